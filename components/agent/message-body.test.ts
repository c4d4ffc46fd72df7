import { describe, expect, it } from "vitest";
import { buildMessageBody } from "@/components/agent/message-body";
import { settingsBody, draftOf, DEFAULT_SETTINGS, resendText } from "@/components/agent/tool-settings-values";

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: "image/png" });

describe("buildMessageBody", () => {
  it("is JSON with only the text when nothing is attached", () => {
    expect(buildMessageBody({ text: "a fox", files: [], imageIds: [], mask: null })).toEqual({ kind: "json", body: { text: "a fox" } });
  });

  it("is JSON with the picked ids when no file goes with them", () => {
    expect(buildMessageBody({ text: "warmer", files: [], imageIds: ["a", "b"], mask: null })).toEqual({ kind: "json", body: { text: "warmer", imageIds: ["a", "b"] } });
  });

  it("is multipart with text, files in order, ids repeated and the mask", () => {
    const mask = new Blob([new Uint8Array([1])], { type: "image/png" });
    const message = buildMessageBody({ text: "put the logo here", files: [png("one.png"), png("two.png")], imageIds: ["id-1", "id-2"], mask });
    expect(message.kind).toBe("form");
    if (message.kind !== "form") return;
    const body = message.body;
    expect(body.get("text")).toBe("put the logo here");
    expect(body.getAll("image[]").map((file) => (file as File).name)).toEqual(["one.png", "two.png"]);
    expect(body.getAll("imageIds")).toEqual(["id-1", "id-2"]);
    expect((body.get("mask") as File).name).toBe("mask.png");
    expect([...body.keys()]).toEqual(["text", "image[]", "image[]", "imageIds", "imageIds", "mask"]);
  });

  it("is multipart for a mask on a picked image, with no file", () => {
    const message = buildMessageBody({ text: "edit", files: [], imageIds: ["id-1"], mask: new Blob([new Uint8Array([1])]) });
    expect(message.kind).toBe("form");
    if (message.kind === "form") expect(message.body.getAll("image[]")).toEqual([]);
  });

  it("names a pasted file that came without a name", () => {
    const message = buildMessageBody({ text: "t", files: [png("")], imageIds: [], mask: null });
    if (message.kind === "form") expect((message.body.get("image[]") as File).name).toBe("pasted-image.png");
    else expect.fail("expected multipart");
  });
});

describe("settingsBody", () => {
  it("sends compression only with jpeg or webp", () => {
    const draft = { ...draftOf({ ...DEFAULT_SETTINGS, format: "jpeg", compression: 80 }) };
    expect(settingsBody(draft).compression).toBe(80);
    expect(settingsBody({ ...draft, format: "png" }).compression).toBeNull();
    expect(settingsBody({ ...draft, compression: " " }).compression).toBeNull();
  });

  it("passes a typed value that is not a number as typed, for the server to name", () => {
    expect(settingsBody({ ...draftOf(DEFAULT_SETTINGS), format: "webp", compression: "abc" }).compression).toBe("abc");
  });

  it("sends every field, the text model trimmed", () => {
    const body = settingsBody({ ...draftOf(DEFAULT_SETTINGS), textModel: "  gpt-5.5-mini " });
    expect(Object.keys(body).sort()).toEqual(["action", "background", "compression", "format", "partialImages", "quality", "size", "textModel"]);
    expect(body.textModel).toBe("gpt-5.5-mini");
  });
});

describe("resendText", () => {
  it("states the cap from the limits given", () => {
    expect(resendText({ maxImages: 4, imageEdge: 1536 })).toBe("The latest image and up to 4 attached images are resent each turn, at most 1536 px.");
    expect(resendText({ maxImages: 2, imageEdge: 1024 })).toContain("up to 2 attached images");
  });
});

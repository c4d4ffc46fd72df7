import { describe, expect, it } from "vitest";
import { admit, attachmentAbout, firstAttachment, ordered, pickLabel, togglePicked, type Attachment } from "@/components/agent/attachments";

const limits = { maxBytes: 1000, maxPixels: 1_000_000 };
const file = (name: string, type = "image/png", size = 10) => ({ name, type, size });

const stored = (id: string) => ({ id, url: `/api/images/${id}`, thumbUrl: `/api/images/${id}/thumb`, width: 1024, height: 1024 });
const picked = (id: string, from: "conversation" | "history" = "conversation"): Attachment => ({ key: `picked-${id}`, kind: "picked", from, id, url: `/api/images/${id}`, thumbUrl: `/api/images/${id}/thumb`, width: 1024, height: 1024 });
const upload = (name: string): Attachment => ({ key: `upload-${name}`, kind: "upload", file: new File([], name), url: `blob:${name}`, width: 512, height: 512 });

describe("ordered and firstAttachment", () => {
  it("puts uploads before picked images, as the server reads image[] before imageIds", () => {
    const items = [picked("a"), upload("one.png"), picked("b"), upload("two.png")];
    expect(ordered(items).map((item) => item.key)).toEqual(["upload-one.png", "upload-two.png", "picked-a", "picked-b"]);
    expect(firstAttachment(items)?.key).toBe("upload-one.png");
  });

  it("is the first picked image when nothing is uploaded, and none when empty", () => {
    expect(firstAttachment([picked("a"), picked("b")])?.key).toBe("picked-a");
    expect(firstAttachment([])).toBeNull();
  });
});

describe("admit", () => {
  it("refuses what is not a picture, too large, or beyond the cap, naming each", () => {
    const { admitted, refused } = admit([file("a.png"), file("notes.txt", "text/plain"), file("big.png", "image/png", 5000), file("b.jpg", "image/jpeg"), file("c.webp", "image/webp")], 1, 3, limits);
    expect(admitted.map((f) => f.name)).toEqual(["a.png", "b.jpg"]);
    expect(refused).toEqual([
      { name: "notes.txt", reason: "not a PNG, JPEG or WebP image" },
      { name: "big.png", reason: expect.stringContaining("larger than") },
      { name: "c.webp", reason: "at most 3 images go with one message" },
    ]);
  });

  it("names a pasted file that has no name", () => {
    expect(admit([file("", "text/plain")], 0, 4, limits).refused[0]?.name).toBe("pasted image");
  });
});

describe("togglePicked", () => {
  it("adds a history pick to the same list as conversation picks, after the uploads", () => {
    const items = [picked("a"), upload("one.png")];
    const next = togglePicked(items, stored("h1"), "history", items.length, 4);
    expect(next).toMatchObject({ change: "added", refusal: null });
    expect(next.items.at(-1)).toEqual({ key: "picked-h1", kind: "picked", from: "history", ...stored("h1") });
    expect(ordered(next.items).map((item) => item.key)).toEqual(["upload-one.png", "picked-a", "picked-h1"]);
  });

  it("is the first image, to take a mask, when nothing else is chosen", () => {
    expect(firstAttachment(togglePicked([], stored("h1"), "history", 0, 4).items)?.key).toBe("picked-h1");
  });

  it("unpicks an image chosen anywhere, even at the cap", () => {
    const items = [picked("a"), picked("h1", "history")];
    const fromHistory = togglePicked(items, stored("a"), "history", 2, 2);
    expect(fromHistory.change).toBe("removed");
    expect(fromHistory.items.map((item) => item.key)).toEqual(["picked-h1"]);
    expect(togglePicked(items, stored("h1"), "conversation", 2, 2).items.map((item) => item.key)).toEqual(["picked-a"]);
  });

  it("refuses a pick beyond the per-message cap, counting uploads still loading", () => {
    const items = [picked("a")];
    const next = togglePicked(items, stored("h1"), "history", 3, 3);
    expect(next).toEqual({ items, change: "none", refusal: "That image was not added: at most 3 images go with one message." });
  });
});

describe("pickLabel and attachmentAbout", () => {
  it("names a history thumbnail by its prompt, cut to 60 characters", () => {
    expect(pickLabel("a  watercolour\nfox")).toBe("Pick a watercolour fox");
    const long = pickLabel("x".repeat(80));
    expect(long).toBe(`Pick ${"x".repeat(59)}…`);
    expect(long.length).toBe("Pick ".length + 60);
    expect(pickLabel("  ")).toBe("Pick an untitled generation");
  });

  it("says where each chosen image came from", () => {
    expect([upload("one.png"), picked("a"), picked("h1", "history")].map(attachmentAbout)).toEqual(["one.png", "from the conversation", "from history"]);
  });
});

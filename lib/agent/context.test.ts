import { describe, expect, it } from "vitest";
import { buildResponsesInput, type ContextMessage, type ImageReader } from "@/lib/agent/context";

/** The input a turn sends, from a stored conversation and a reader that hands back each image's name as its bytes. */
const reader = (gone: string[] = []): ImageReader & { asked: string[] } => {
  const asked: string[] = [];
  const read = async (id: string) => {
    asked.push(id);
    return gone.includes(id) ? null : { bytes: Buffer.from(`bytes of ${id}`), type: id.startsWith("mask") ? "image/png" : "image/webp" };
  };
  return Object.assign(read, { asked });
};
const url = (id: string, type = "image/webp") => `data:${type};base64,${Buffer.from(`bytes of ${id}`).toString("base64")}`;

let next = 0;
const user = (text: string, imageIds: string[] = [], maskImageId: string | null = null): ContextMessage => ({ id: `m${next++}`, role: "user", text, imageIds, maskImageId });
const assistant = (text: string, imageIds: string[] = []): ContextMessage => ({ id: `m${next++}`, role: "assistant", text, imageIds, maskImageId: null });
const context = (...messages: ContextMessage[]) => ({ messages });

describe("buildResponsesInput", () => {
  it("sends every earlier message in order as text, and the current one with the latest image made, then its own", async () => {
    const read = reader();
    const built = await buildResponsesInput(
      context(
        user("a lighthouse at night"),
        assistant("Here is your lighthouse.", ["made-1"]),
        user("warmer, please"),
        assistant("Warmer now.", ["made-2", "made-3"]),
        user("put this logo in the corner", ["logo"]),
      ),
      read,
      4,
    );
    expect(built.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "a lighthouse at night" }] },
      { role: "assistant", content: [{ type: "output_text", text: "Here is your lighthouse.\n[made 1 image]" }] },
      { role: "user", content: [{ type: "input_text", text: "warmer, please" }] },
      { role: "assistant", content: [{ type: "output_text", text: "Warmer now.\n[made 2 images]" }] },
      {
        role: "user",
        content: [
          { type: "input_text", text: "put this logo in the corner" },
          { type: "input_image", image_url: url("made-3") },
          { type: "input_image", image_url: url("logo") },
        ],
      },
    ]);
    expect(built.resent).toEqual(["made-3", "logo"]);
    expect(built.mask).toBeNull();
    expect(built.left).toEqual({ capped: [], gone: [] });
    expect(read.asked).not.toContain("made-1"); // older pictures are not resent
  });

  it("sends a mask with the image it is for, that image last and alone but for the message's others", async () => {
    const built = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("repaint the sky", ["photo", "reference"], "mask-1")), reader(), 4);
    expect(built.resent).toEqual(["reference", "photo"]);
    expect(built.input.at(-1)!.content.at(-1)).toEqual({ type: "input_image", image_url: url("photo") });
    expect(built.mask).toEqual({ bytes: Buffer.from("bytes of mask-1"), type: "image/png" });
    expect(built.left).toEqual({ capped: [], gone: [] });
  });

  it("resends the latest image by default when the message attaches none", async () => {
    const built = await buildResponsesInput(context(user("a cat"), assistant("", ["cat"]), user("now a vertical version")), reader(), 4);
    expect(built.input.at(-1)).toEqual({ role: "user", content: [{ type: "input_text", text: "now a vertical version" }, { type: "input_image", image_url: url("cat") }] });
    expect(built.input[1]).toEqual({ role: "assistant", content: [{ type: "output_text", text: "[made 1 image]" }] });
    expect(built.mask).toBeNull();
  });

  it("resends no image on a first message without attachments", async () => {
    const built = await buildResponsesInput(context(user("a cat")), reader(), 4);
    expect(built).toEqual({ input: [{ role: "user", content: [{ type: "input_text", text: "a cat" }] }], resent: [], left: { capped: [], gone: [] }, mask: null });
  });

  it("keeps to the cap, the message's own images first, and says which were left out", async () => {
    const read = reader();
    const built = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("these", ["a", "b", "c"])), read, 2);
    expect(built.resent).toEqual(["a", "b"]);
    expect(built.left.capped).toEqual(["c", "latest"]);
    expect(read.asked).toEqual(["a", "b"]);
    const kept = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("these", ["a", "b", "c"])), reader(), 4);
    expect(kept.resent).toEqual(["latest", "a", "b", "c"]);
    expect(built.input.at(-1)!.content).toHaveLength(3);
  });

  it("sends a picked image once when it is also the latest", async () => {
    const built = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("this one again", ["latest"])), reader(), 4);
    expect(built.resent).toEqual(["latest"]);
  });

  it("leaves out images no longer stored, and then the mask, which was for one of them", async () => {
    const built = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("edit this", ["deleted"], "mask-1")), reader(["deleted"]), 4);
    expect(built.resent).toEqual([]);
    expect(built.left.gone).toEqual(["deleted"]);
    expect(built.mask).toBeNull();
    const unmasked = await buildResponsesInput(context(user("x"), assistant("ok", ["latest"]), user("and this", ["deleted"])), reader(["deleted"]), 4);
    expect(unmasked.resent).toEqual(["latest"]);
  });

  it("with a cap of 0 sends text alone", async () => {
    const built = await buildResponsesInput(context(user("x", ["a"], "mask-1")), reader(), 0);
    expect(built.input).toEqual([{ role: "user", content: [{ type: "input_text", text: "x" }] }]);
    expect(built.left.capped).toEqual(["a"]);
    expect(built.mask).toBeNull();
  });

  it("tells of an earlier message's attachments, and drops a message with nothing in it", async () => {
    const built = await buildResponsesInput(context(user("", ["old"]), assistant(""), user("and now?")), reader(), 4);
    expect(built.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "[attached 1 image]" }] },
      { role: "user", content: [{ type: "input_text", text: "and now?" }] },
    ]);
    expect(built.resent).toEqual([]);
  });

  it("refuses a conversation that does not end with a user message", async () => {
    await expect(buildResponsesInput(context(user("x"), assistant("y")), reader(), 4)).rejects.toThrow(/must end with one/);
  });
});

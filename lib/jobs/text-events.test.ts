import { describe, expect, it } from "vitest";
import { TextEvents } from "@/lib/jobs/text-events";

/** Deltas become events in order; those that arrive during a write go together in the next one. */
function slowWriter() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const write = (delta: string) =>
    new Promise<void>((resolve) => {
      written.push(delta);
      pending.push(resolve);
    });
  const release = async () => {
    pending.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { written, write, release };
}

describe("TextEvents", () => {
  it("writes the first delta at once and joins those that come while it is written", async () => {
    const writer = slowWriter();
    const texts = new TextEvents(writer.write);
    texts.push("Here ");
    expect(writer.written).toEqual(["Here "]);
    texts.push("is ");
    texts.push("your ");
    await writer.release();
    expect(writer.written).toEqual(["Here ", "is your "]);
    texts.push("picture.");
    const flushed = texts.flush();
    await writer.release();
    await writer.release();
    await flushed;
    expect(writer.written).toEqual(["Here ", "is your ", "picture."]);
  });

  it("throws a failed write from flush, and refuses further deltas", async () => {
    const lost = new Error("lease lost");
    const texts = new TextEvents(() => Promise.reject(lost));
    texts.push("a");
    await expect(texts.flush()).rejects.toBe(lost);
    expect(() => texts.push("b")).toThrow(lost);
  });
});

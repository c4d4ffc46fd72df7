import { describe, expect, it } from "vitest";
import { finalImages, initialGenerationState, reduceGeneration, slotIndexes, type GenerationState, type IncomingEvent } from "@/components/studio/generation-state";

const fold = (events: IncomingEvent[], from: GenerationState = initialGenerationState) =>
  events.reduce((state, event) => reduceGeneration(state, { type: "event", event }), from);

const partial = (id: number, imageIndex: number, partialIndex: number): IncomingEvent => ({
  id,
  type: "partial",
  data: { imageIndex, partialIndex, partialCount: 2, url: `/api/images/p${id}`, imageId: `p${id}` },
});

const image = (id: number, imageIndex: number): IncomingEvent => ({
  id,
  type: "image",
  data: { imageIndex, imageId: `i${id}`, url: `/api/images/i${id}`, thumbUrl: `/api/images/i${id}/thumb`, width: 1024, height: 1024, format: "png", revisedPrompt: null, step: "asked" },
});

const end = (id: number, status: "done" | "failed" | "cancelled", images = 1): IncomingEvent => ({
  id,
  type: "end",
  data: { status, images, latencyMs: 1000, firstPartialMs: 300, usage: null, costUsd: null },
});

describe("reduceGeneration", () => {
  it("says what is happening, event by event", () => {
    const queued = fold([{ id: 1, type: "status", data: { status: "queued", message: "Queued: 2 ahead", queuePosition: 3 } }]);
    expect(queued.progress).toBe("Queued: 2 ahead");
    expect(queued.queuePosition).toBe(3);
    const drawing = fold([{ id: 2, type: "status", data: { status: "running", message: "Generating the image", attempt: 1 } }, partial(3, 0, 0)], queued);
    expect(drawing.progress).toBe("Partial 1 of 2");
    expect(drawing.queuePosition).toBeNull();
    const done = fold([partial(4, 0, 1), image(5, 0), end(6, "done")], drawing);
    expect(done.progress).toBe("Done");
    expect(done.slots[0]?.final?.imageId).toBe("i5");
    expect(done.connection).toBe("closed");
  });

  it("ignores events it has already applied, as after a reconnect", () => {
    const once = fold([partial(1, 0, 0), partial(2, 0, 1)]);
    const replayed = fold([partial(1, 0, 0), partial(2, 0, 1)], once);
    expect(replayed).toBe(once);
  });

  it("never steps a slot back to an older partial or past its final", () => {
    const state = fold([partial(1, 0, 1), { ...partial(2, 0, 0) }, image(3, 0), partial(4, 0, 1)]);
    expect(state.slots[0]?.partial?.imageId).toBe("p1");
    expect(state.slots[0]?.final?.imageId).toBe("i3");
  });

  it("names the image when several are drawn", () => {
    const state = fold([partial(1, 0, 0), partial(2, 1, 0)]);
    expect(state.progress).toBe("Partial 1 of 2 for image 2");
  });

  it("keeps the end once it has come", () => {
    const state = reduceGeneration(fold([end(1, "failed", 0)]), { type: "connection", connection: "lost" });
    expect(state.connection).toBe("closed");
    expect(state.progress).toBe("Failed");
  });
});

describe("slotIndexes", () => {
  it("holds a place for every image asked until the end gives the count", () => {
    expect(slotIndexes(initialGenerationState, 3)).toEqual([0, 1, 2]);
    expect(slotIndexes(fold([image(1, 0), end(2, "done", 1)]), 3)).toEqual([0]);
    expect(slotIndexes(fold([end(1, "failed", 0)]), 1)).toEqual([]);
  });
});

describe("finalImages", () => {
  it("lists the finals in image order, an edit's fidelity and raw result kept as sent", () => {
    const flagged = { ...image(3, 0), data: { ...image(3, 0).data, fidelity: { changedShare: 0.38, meanAbsDiff: 40, flagged: true }, rawImageId: "raw-3" } } as IncomingEvent;
    const state = fold([image(1, 1), partial(2, 2, 0), flagged]);
    expect(finalImages(state).map((final) => final.imageId)).toEqual(["i3", "i1"]);
    expect(finalImages(state)[0]).toMatchObject({ fidelity: { changedShare: 0.38, flagged: true }, rawImageId: "raw-3" });
  });
});

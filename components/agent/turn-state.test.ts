import { describe, expect, it } from "vitest";
import { partialList, reduceTurn, statusLine, turnStateFor, type TurnEvent, type TurnState } from "@/components/agent/turn-state";
import type { EndEvent, ImageEvent, PartialEvent } from "@/lib/generations/events";

const TURN = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";

function fold(events: TurnEvent[], turnId = TURN, start: TurnState | null = null): TurnState {
  return events.reduce<TurnState>((state, event) => reduceTurn(state, { type: "event", turnId, event }), turnStateFor(start, turnId));
}

const text = (id: number | null, delta: string): TurnEvent => ({ id, type: "text", data: { delta } });
const partial = (id: number, imageIndex: number, partialIndex: number, partialCount = 2): TurnEvent => ({
  id,
  type: "partial",
  data: { imageIndex, partialIndex, partialCount, url: `/api/images/p${imageIndex}-${partialIndex}`, imageId: `p${imageIndex}-${partialIndex}` } satisfies PartialEvent,
});
const image = (id: number, imageIndex: number): TurnEvent => ({
  id,
  type: "image",
  data: {
    imageIndex,
    imageId: `img-${imageIndex}`,
    url: `/api/images/img-${imageIndex}`,
    thumbUrl: `/api/images/img-${imageIndex}/thumb`,
    width: 1024,
    height: 1024,
    format: "png",
    revisedPrompt: "a red fox in snow",
    step: "asked",
  } satisfies ImageEvent,
});
const end = (id: number, status: EndEvent["status"], error?: EndEvent["error"]): TurnEvent => ({
  id,
  type: "end",
  data: { status, images: 0, latencyMs: 10, firstPartialMs: null, usage: null, costUsd: null, ...(error ? { error } : {}) },
});

describe("reduceTurn", () => {
  it("accumulates text deltas in order", () => {
    const state = fold([text(1, "Here "), text(2, "is "), text(3, "a fox.")]);
    expect(state.text).toBe("Here is a fox.");
    expect(state.lastEventId).toBe(3);
    expect(state.progress).toBe("Writing…");
  });

  it("drops an event whose id it has already applied (a reconnect's replay)", () => {
    const state = fold([text(1, "one "), text(2, "two "), text(2, "two "), text(1, "one "), text(3, "three")]);
    expect(state.text).toBe("one two three");
  });

  it("applies events without an id, since nothing can say they are replays", () => {
    expect(fold([text(null, "a"), text(null, "b")]).text).toBe("ab");
  });

  it("shows the latest partial, then the image in its place, then done", () => {
    let state = fold([{ id: 1, type: "status", data: { status: "running", message: "" } }]);
    expect(statusLine(state)).toBe("Thinking…");
    state = fold([{ id: 2, type: "status", data: { status: "running", message: "", imageIndex: 0 } }], TURN, state);
    expect(statusLine(state)).toBe("Drawing…");
    state = fold([partial(3, 0, 0)], TURN, state);
    expect(statusLine(state)).toBe("Partial 1 of 2");
    state = fold([partial(4, 0, 1)], TURN, state);
    expect(partialList(state).map((p) => p.partialIndex)).toEqual([1]);
    expect(statusLine(state)).toBe("Partial 2 of 2");
    state = fold([image(5, 0)], TURN, state);
    expect(partialList(state)).toEqual([]);
    expect(state.images.map((i) => i.imageId)).toEqual(["img-0"]);
    state = fold([end(6, "done")], TURN, state);
    expect(state.end?.status).toBe("done");
    expect(statusLine(state)).toBe("Done");
    expect(state.connection).toBe("closed");
  });

  it("ignores a partial behind a later one, or after its image", () => {
    const state = fold([partial(1, 0, 1), partial(2, 0, 0)]);
    expect(partialList(state)[0]?.partialIndex).toBe(1);
    const after = fold([image(3, 0), partial(4, 0, 1)], TURN, state);
    expect(partialList(after)).toEqual([]);
  });

  it("keeps images in image order and a second image's partial beside the first image", () => {
    const state = fold([image(1, 0), partial(2, 1, 0)]);
    expect(state.images).toHaveLength(1);
    expect(partialList(state).map((p) => p.imageIndex)).toEqual([1]);
    expect(statusLine(state)).toBe("Partial 1 of 2 for image 2");
    const both = fold([image(3, 1)], TURN, state);
    expect(both.images.map((i) => i.imageIndex)).toEqual([0, 1]);
  });

  it("shows the server's own status message over its guess", () => {
    const state = fold([{ id: 1, type: "status", data: { status: "queued", message: "Waiting for a worker" } }]);
    expect(statusLine(state)).toBe("Waiting for a worker");
  });

  it("ends failed with the error, and later status events do not revive it", () => {
    const error = { code: "moderation_blocked", message: "The request was refused." };
    const state = fold([partial(1, 0, 0), end(2, "failed", error), { id: 3, type: "status", data: { status: "running", message: "Running" } }]);
    expect(state.end?.error).toEqual(error);
    expect(statusLine(state)).toBe("Failed");
    expect(state.status).toBe("failed");
  });

  it("starts the text again when a new request to the text model begins, not when the tool reports", () => {
    const thinking = (id: number, attempt: number): TurnEvent => ({ id, type: "status", data: { status: "running", message: "Thinking…", attempt } });
    let state = fold([thinking(1, 1), text(2, "Half a rep"), partial(3, 0, 0)]);
    state = fold([{ id: 4, type: "status", data: { status: "running", message: "Drawing picture 1…", imageIndex: 0, attempt: 1 } }], TURN, state);
    expect(state.text).toBe("Half a rep");
    state = fold([{ id: 5, type: "status", data: { status: "running", message: "Resuming after an interruption" } }, thinking(6, 2)], TURN, state);
    expect(state.text).toBe("");
    expect(partialList(state)).toEqual([]);
    state = fold([text(7, "A whole reply."), thinking(8, 2)], TURN, state);
    expect(state.text).toBe("A whole reply.");
  });

  it("starts afresh for another turn", () => {
    const first = fold([text(1, "old reply"), end(2, "done")]);
    const second = fold([text(1, "new")], OTHER, first);
    expect(second.turnId).toBe(OTHER);
    expect(second.text).toBe("new");
    expect(second.end).toBeNull();
  });

  it("tracks the connection until the end, then keeps it closed", () => {
    let state = reduceTurn(null, { type: "connection", turnId: TURN, connection: "reconnecting" });
    expect(statusLine(state)).toBe("Starting… (reconnecting…)");
    state = fold([end(1, "done")], TURN, state);
    state = reduceTurn(state, { type: "connection", turnId: TURN, connection: "lost" });
    expect(state.connection).toBe("closed");
    expect(statusLine(state)).toBe("Done");
  });
});

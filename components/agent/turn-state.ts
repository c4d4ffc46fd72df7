import type { EndEvent, GenerationEventMap, GenerationEventType, GenerationStatus, ImageEvent, PartialEvent, StatusEvent, TextEvent } from "@/lib/generations/events";

/**
 * What the page knows about one agent turn, folded from its event stream: the reply's text as it
 * is written, the latest partial of each image being drawn, the finished images, and the end.
 * Pure, so the hook stays a thin EventSource wrapper and the folding is tested without a browser.
 */

/** A turn speaks a generation's vocabulary, its `text` deltas included (lib/generations/events.ts). */
export type TurnEventType = GenerationEventType;
export const TURN_EVENT_TYPES = ["status", "text", "partial", "image", "end"] as const satisfies readonly TurnEventType[];

export type TurnEvent = {
  [K in TurnEventType]: { id: number | null; type: K; data: GenerationEventMap[K] };
}[TurnEventType];

export type Connection = "connecting" | "open" | "reconnecting" | "lost" | "closed";

export type TurnState = {
  turnId: string;
  /** Highest event id applied; ids grow per turn, so anything at or below it is a replay. */
  lastEventId: number;
  status: GenerationStatus | null;
  text: string;
  /** The text model request the text belongs to (a status event's `attempt`), when known. */
  attempt: number | null;
  /** The sentence the status line shows. */
  progress: string;
  /** The latest partial of each image still being drawn, by image index. */
  partials: Readonly<Record<number, PartialEvent>>;
  /** Finished images in image order. */
  images: readonly ImageEvent[];
  end: EndEvent | null;
  connection: Connection;
};

/** Every action names its turn: one for another turn starts afresh, so a new turn never shows the last one's text. */
export type TurnAction = { type: "event"; turnId: string; event: TurnEvent } | { type: "connection"; turnId: string; connection: Connection };

export function initialTurnState(turnId: string): TurnState {
  return { turnId, lastEventId: 0, status: null, text: "", attempt: null, progress: "Starting…", partials: {}, images: [], end: null, connection: "connecting" };
}

/** The state for `turnId`: the folded one when it is that turn's, else a fresh one. */
export function turnStateFor(state: TurnState | null, turnId: string): TurnState {
  return state && state.turnId === turnId ? state : initialTurnState(turnId);
}

export function reduceTurn(previous: TurnState | null, action: TurnAction): TurnState {
  const state = turnStateFor(previous, action.turnId);
  if (action.type === "connection") {
    if (state.end || state.connection === action.connection) return state;
    return { ...state, connection: action.connection };
  }
  const { event } = action;
  if (event.id !== null && event.id <= state.lastEventId) return state;
  const next: TurnState = { ...state, lastEventId: event.id ?? state.lastEventId };
  switch (event.type) {
    case "status":
      return applyStatus(next, event.data);
    case "text":
      return applyText(next, event.data);
    case "partial":
      return applyPartial(next, event.data);
    case "image":
      return applyImage(next, event.data);
    case "end":
      return applyEnd(next, event.data);
  }
}

function applyStatus(state: TurnState, data: StatusEvent): TurnState {
  if (state.end) return state;
  const next = { ...state, status: data.status, progress: data.message.trim() || statusText(data) };
  // A new request to the text model (a retry, or a run resumed after an interruption) writes its
  // reply from the start: what an earlier one wrote, or began drawing, is not part of it.
  const newRequest = data.imageIndex === undefined && data.attempt !== undefined && (state.attempt === null || data.attempt > state.attempt);
  if (!newRequest) return next;
  return { ...next, attempt: data.attempt ?? null, ...(state.attempt !== null ? { text: "", partials: {} } : {}) };
}

function statusText(data: StatusEvent): string {
  if (data.status === "queued") return data.queuePosition !== undefined && data.queuePosition > 1 ? `Queued: ${data.queuePosition - 1} ahead` : "Queued";
  if (data.status === "running") return data.imageIndex !== undefined ? "Drawing…" : "Thinking…";
  return endText(data.status);
}

function applyText(state: TurnState, data: TextEvent): TurnState {
  if (typeof data.delta !== "string" || data.delta === "") return state;
  return { ...state, text: state.text + data.delta, status: state.end ? state.status : "running", progress: state.end ? state.progress : "Writing…" };
}

function applyPartial(state: TurnState, data: PartialEvent): TurnState {
  const current = state.partials[data.imageIndex];
  // A partial after its image, or behind a later partial, would only step back.
  if (state.end || state.images.some((image) => image.imageIndex === data.imageIndex) || (current && current.partialIndex > data.partialIndex)) return state;
  const count = Math.max(data.partialCount, data.partialIndex + 1);
  const which = data.imageIndex > 0 ? ` for image ${data.imageIndex + 1}` : "";
  return { ...state, status: "running", partials: { ...state.partials, [data.imageIndex]: data }, progress: `Partial ${data.partialIndex + 1} of ${count}${which}` };
}

function applyImage(state: TurnState, data: ImageEvent): TurnState {
  const images = [...state.images.filter((image) => image.imageIndex !== data.imageIndex), data].sort((a, b) => a.imageIndex - b.imageIndex);
  const partials = { ...state.partials };
  delete partials[data.imageIndex];
  const progress = state.end ? state.progress : data.imageIndex > 0 ? `Image ${data.imageIndex + 1} is ready` : "Image ready";
  return { ...state, status: state.end ? state.status : "running", images, partials, progress };
}

function applyEnd(state: TurnState, data: EndEvent): TurnState {
  // Once done, a partial with no image after it is not a picture the turn made.
  const partials = data.status === "done" ? {} : state.partials;
  return { ...state, status: data.status, end: data, partials, progress: endText(data.status), connection: "closed" };
}

function endText(status: GenerationStatus): string {
  return status === "done" ? "Done" : status === "failed" ? "Failed" : status === "cancelled" ? "Cancelled" : status === "queued" ? "Queued" : "Thinking…";
}

/** Partials to draw, in image order. */
export function partialList(state: TurnState): PartialEvent[] {
  return Object.values(state.partials).sort((a, b) => a.imageIndex - b.imageIndex);
}

/** What the status line says, the connection included. */
export function statusLine(state: TurnState): string {
  if (state.connection === "lost" && !state.end) return "Connection lost";
  return state.connection === "reconnecting" && !state.end ? `${state.progress} (reconnecting…)` : state.progress;
}

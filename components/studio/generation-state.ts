import type {
  EndEvent,
  GenerationEventMap,
  GenerationEventType,
  GenerationStatus,
  ImageEvent,
  PartialEvent,
  StatusEvent,
} from "@/lib/generations/events";

/**
 * What the studio knows about one generation, folded from its event stream. Pure, so the hook
 * stays a thin EventSource wrapper and the folding can be tested without a browser.
 */
export type Connection = "connecting" | "open" | "reconnecting" | "lost" | "closed";

export type ImageSlot = { partial: PartialEvent | null; final: ImageEvent | null };

export type GenerationState = {
  /** Highest event id applied; ids grow per generation, so anything at or below it is a replay. */
  lastEventId: number;
  status: GenerationStatus | null;
  message: string;
  attempt: number | null;
  queuePosition: number | null;
  /** The sentence the progress line shows. */
  progress: string;
  slots: Readonly<Record<number, ImageSlot>>;
  end: EndEvent | null;
  connection: Connection;
};

/** Every type a generation's stream sends; an agent turn's `text` is folded in as a step with nothing to draw here. */
export const EVENT_TYPES = ["status", "text", "partial", "image", "end"] as const satisfies readonly GenerationEventType[];

export type IncomingEvent = {
  [K in GenerationEventType]: { id: number | null; type: K; data: GenerationEventMap[K] };
}[GenerationEventType];

export type GenerationAction = { type: "event"; event: IncomingEvent } | { type: "connection"; connection: Connection };

export const initialGenerationState: GenerationState = {
  lastEventId: 0,
  status: null,
  message: "",
  attempt: null,
  queuePosition: null,
  progress: "Starting…",
  slots: {},
  end: null,
  connection: "connecting",
};

export function reduceGeneration(state: GenerationState, action: GenerationAction): GenerationState {
  if (action.type === "connection") {
    if (state.end || state.connection === action.connection) return state;
    return { ...state, connection: action.connection };
  }
  const { event } = action;
  if (event.id !== null && event.id <= state.lastEventId) return state;
  const next: GenerationState = { ...state, lastEventId: event.id ?? state.lastEventId };
  switch (event.type) {
    case "status":
      return applyStatus(next, event.data);
    case "text":
      // The studio's view of a turn shows its pictures; the reply's words are the agent page's.
      return next;
    case "partial":
      return applyPartial(next, event.data);
    case "image":
      return applyImage(next, event.data);
    case "end":
      return applyEnd(next, event.data);
  }
}

function applyStatus(state: GenerationState, data: StatusEvent): GenerationState {
  if (state.end) return state;
  const queued = data.status === "queued";
  return {
    ...state,
    status: data.status,
    message: data.message,
    attempt: data.attempt ?? state.attempt,
    queuePosition: queued ? (data.queuePosition ?? null) : null,
    progress: data.message.trim() || (queued ? queuedText(data.queuePosition) : capitalise(data.status)),
  };
}

function applyPartial(state: GenerationState, data: PartialEvent): GenerationState {
  const slot = state.slots[data.imageIndex] ?? { partial: null, final: null };
  // A partial that lands after its final image, or behind a later partial, would only step back.
  if (slot.final || (slot.partial && slot.partial.partialIndex > data.partialIndex)) return state;
  const several = data.imageIndex > 0 || Object.keys(state.slots).some((key) => Number(key) !== data.imageIndex);
  const which = several ? ` for image ${data.imageIndex + 1}` : "";
  return {
    ...state,
    status: state.end ? state.status : "running",
    slots: { ...state.slots, [data.imageIndex]: { ...slot, partial: data } },
    progress: state.end ? state.progress : `Partial ${data.partialIndex + 1} of ${Math.max(data.partialCount, data.partialIndex + 1)}${which}`,
  };
}

function applyImage(state: GenerationState, data: ImageEvent): GenerationState {
  const slot = state.slots[data.imageIndex] ?? { partial: null, final: null };
  return {
    ...state,
    status: state.end ? state.status : "running",
    slots: { ...state.slots, [data.imageIndex]: { ...slot, final: data } },
    progress: state.end ? state.progress : `Image ${data.imageIndex + 1} is ready`,
  };
}

function applyEnd(state: GenerationState, data: EndEvent): GenerationState {
  const progress = data.status === "done" ? "Done" : data.status === "failed" ? "Failed" : "Cancelled";
  return { ...state, status: data.status, end: data, progress, connection: "closed", queuePosition: null };
}

function queuedText(position: number | undefined): string {
  return position !== undefined && position > 1 ? `Queued: ${position - 1} ahead` : "Queued";
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Slots to draw: what the events name, and at least as many as were asked until the end says otherwise. */
export function slotIndexes(state: GenerationState, asked: number): number[] {
  const named = Object.keys(state.slots).map(Number);
  const expected = state.end ? state.end.images : asked;
  const count = Math.max(expected, ...named.map((index) => index + 1), 0);
  return Array.from({ length: count }, (_, index) => index);
}

/** The final images so far, in image order (an edit's with its fidelity and raw result, as sent). */
export function finalImages(state: GenerationState): ImageEvent[] {
  return Object.values(state.slots)
    .flatMap((slot) => (slot.final ? [slot.final] : []))
    .sort((a, b) => a.imageIndex - b.imageIndex);
}

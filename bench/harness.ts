import { readSse } from "../test/sse-reader";

export { startStudio, type RunningStudio } from "../test/studio-process";

/** Reads SSE from a fetch Response, calling `onEvent` with (event name, parsed data) as each arrives. */
export function readEvents(response: Response, onEvent: (event: string, data: unknown) => boolean | void): Promise<void> {
  return readSse(response, (message) => onEvent(message.event, JSON.parse(message.data)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * One SSE message of a generation's or a turn's stream as an event: its id (the stream's
 * resumption point) and its JSON data; null for data that is not a JSON object. The server is the
 * one writer of this vocabulary (lib/generations/events.ts), so the shape is trusted.
 */
export function parseEvent<E extends { id: number | null; type: string; data: unknown }>(type: E["type"], message: MessageEvent<string>): E | null {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const id = message.lastEventId === "" ? null : Number(message.lastEventId);
  return { id: id !== null && Number.isFinite(id) ? id : null, type, data } as E;
}

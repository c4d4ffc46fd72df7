import "server-only";
/**
 * Server-sent events on the wire. Each event carries its per-generation sequence number as `id:`,
 * so a browser that reconnects sends it back as Last-Event-ID and resumes after it.
 */
export type WireEvent = { id: number; type: string; data: unknown };

export function encodeEvent(event: WireEvent): string {
  // JSON.stringify never emits a raw newline, so the payload is always one `data:` line.
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export function encodeComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** Tells the browser how long to wait before reconnecting. */
export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** The sequence number to resume after: from the Last-Event-ID header, else a query parameter. */
export function resumeAfter(header: string | null, query: string | null): number {
  for (const raw of [header, query]) {
    if (raw === null) continue;
    const value = raw.trim();
    if (/^\d{1,9}$/.test(value)) return Number(value);
  }
  return 0;
}

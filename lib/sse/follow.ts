import "server-only";
import type { GenerationEvent } from "@/lib/generations/events";
import { EVENTS_CHANNEL, eventsAfter, parseNotice } from "@/lib/db/generation-events";
import { listen } from "@/lib/db/listener";
import { encodeComment, encodeEvent, encodeRetry } from "@/lib/sse/encode";
import { mark } from "@/lib/trace";

/**
 * The byte stream behind `GET /api/generations/<id>/events`: stored events after `afterSeq`, then
 * each new one as its NOTIFY arrives. A notice that carries the very next event is sent on at once;
 * anything else (a gap, a large event, a reconnect) is read from the rows by sequence number, so
 * a missed or duplicated notification changes nothing. Ends after `end` or when the client goes.
 */
export const HEARTBEAT_MS = 15_000;

export function followGeneration(generationId: string, afterSeq: number, clientGone: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const arrived = new Map<number, GenerationEvent>();
  let sent = afterSeq;
  let wake: (() => void) | null = null;
  let nudged = false;
  let unlisten: (() => void) | undefined;
  let stop = () => undefined as void;

  const onNotice = (payload: string) => {
    if (payload !== "*") {
      const notice = parseNotice(payload);
      // Not ours, or already sent (a notice can come twice: announced locally, then by PostgreSQL).
      if (!notice || notice.generationId !== generationId || notice.seq <= sent) return;
      if (notice.event) arrived.set(notice.seq, notice.event);
    }
    nudged = true;
    wake?.();
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        unlisten?.();
        wake?.();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      stop = close;
      clientGone.addEventListener("abort", close, { once: true });
      /** Sends in order; returns true after the last event. */
      const send = (events: GenerationEvent[]): boolean => {
        for (const event of events) {
          if (event.id <= sent) continue;
          controller.enqueue(encoder.encode(encodeEvent(event)));
          mark(`sse:sent ${event.type}`);
          sent = event.id;
          if (event.type === "end") return true;
        }
        return false;
      };
      try {
        unlisten = await listen(EVENTS_CHANNEL, onNotice);
        controller.enqueue(encoder.encode(encodeRetry(1000)));
        while (!closed) {
          nudged = false;
          const next = takeRun(arrived, sent);
          const events = next.length > 0 ? next : await eventsAfter(generationId, sent);
          if (send(events)) return close();
          if (events.length > 0 || nudged) continue;
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = null;
          if (timedOut && !closed) controller.enqueue(encoder.encode(encodeComment("heartbeat")));
        }
      } catch (error) {
        if (!closed) controller.error(error);
        unlisten?.();
      }
    },
    cancel() {
      stop();
    },
  });
}

/** The events that follow `sent` without a gap among those that arrived by notice. */
function takeRun(arrived: Map<number, GenerationEvent>, sent: number): GenerationEvent[] {
  const run: GenerationEvent[] = [];
  for (const seq of [...arrived.keys()]) if (seq <= sent) arrived.delete(seq);
  for (let seq = sent + 1; arrived.has(seq); seq++) {
    run.push(arrived.get(seq)!);
    arrived.delete(seq);
  }
  return run;
}

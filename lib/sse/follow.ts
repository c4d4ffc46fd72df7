import { EVENTS_CHANNEL, eventsAfter } from "@/lib/jobs/event-log";
import { listen } from "@/lib/jobs/listener";
import { encodeComment, encodeEvent, encodeRetry } from "@/lib/sse/encode";

/**
 * The byte stream behind `GET /api/generations/<id>/events`: stored events after `afterSeq`, then
 * each new one as its NOTIFY arrives. It reads rows by sequence number every time, so a missed or
 * duplicated notification changes nothing; it ends after the `end` event or when the client goes.
 */
export const HEARTBEAT_MS = 15_000;

export function followGeneration(generationId: string, afterSeq: number, clientGone: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let wake: (() => void) | null = null;
  let nudged = false;
  const nudge = () => {
    nudged = true;
    wake?.();
  };
  let unlisten: (() => void) | undefined;
  let stop = () => undefined as void;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      let sent = afterSeq;
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
      try {
        unlisten = await listen(EVENTS_CHANNEL, (payload) => {
          if (payload === "*" || payload.startsWith(`${generationId}:`)) nudge();
        });
        send(encodeRetry(1000));
        while (!closed) {
          nudged = false;
          const events = await eventsAfter(generationId, sent);
          for (const event of events) {
            send(encodeEvent(event));
            sent = event.id;
            if (event.type === "end") return close();
          }
          if (events.length > 0 || nudged) continue;
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = null;
          if (timedOut && !closed) send(encodeComment("heartbeat"));
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

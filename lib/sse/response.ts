import "server-only";

/**
 * An event stream as an HTTP response: never cached or transformed, and not buffered by a proxy
 * in front (X-Accel-Buffering), so each event reaches the browser as it is written.
 */
export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

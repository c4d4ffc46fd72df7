import "server-only";
import { mimeOf } from "@/lib/images/inspect";
import { blobStore } from "@/lib/storage";

/** Up to this size a blob is sent from one read: a partial preview is on its way to the browser. */
const READ_WHOLE_BYTES = 1024 * 1024;

/** An image id's bytes never change, so browsers and proxies may keep them forever. */
export async function imageResponse(sha256: string, format: string, bytes?: number): Promise<Response> {
  const store = blobStore();
  const body = bytes !== undefined && bytes <= READ_WHOLE_BYTES ? new Uint8Array(await store.read(sha256)) : store.stream(sha256);
  return new Response(body, {
    headers: {
      "Content-Type": mimeOf(format),
      "Cache-Control": "private, max-age=31536000, immutable",
      ETag: `"${sha256}"`,
      "X-Content-Type-Options": "nosniff",
      ...(bytes !== undefined ? { "Content-Length": String(bytes) } : {}),
    },
  });
}

export function notModified(request: Request, sha256: string): Response | null {
  return request.headers.get("if-none-match") === `"${sha256}"` ? new Response(null, { status: 304 }) : null;
}

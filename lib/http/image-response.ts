import { readBlobBody } from "@/lib/storage/blobs";
import { mimeOf } from "@/lib/images/inspect";

/** An image id's bytes never change, so browsers and proxies may keep them forever. */
export function imageResponse(sha256: string, format: string, bytes?: number): Response {
  return new Response(readBlobBody(sha256, bytes), {
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

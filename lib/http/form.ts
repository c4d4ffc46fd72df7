import "server-only";
import { ApiError } from "@/lib/errors";

/**
 * Reads a multipart/form-data body (a route taking file uploads), refusing another content type
 * (415) and a body over `maxBytes` (413): by its declared length before anything is read, and by
 * the bytes read when it declares none (chunked), so an endless upload is cut off, not buffered.
 */
export async function readMultipart(request: Request, maxBytes: number, limitText: string): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", `Send the body as multipart/form-data (got ${type || "no content type"})`);
  }
  const tooLarge = () => new ApiError(413, "body_too_large", `The body is larger than ${limitText}`);
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!request.body) throw new ApiError(400, "invalid_request", "The body is empty: send the edit's fields and files as multipart/form-data");
  let size = 0;
  let over = false;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          over = true;
          controller.error(new Error("over the limit"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  try {
    return await new Response(counted, { headers: { "content-type": type } }).formData();
  } catch (error) {
    if (over) throw tooLarge();
    throw new ApiError(400, "invalid_request", `The body is not a readable multipart form (${(error as Error).message})`);
  }
}

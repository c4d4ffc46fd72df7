import "server-only";
import { currentUserId } from "@/lib/auth/current-user";
import { ApiError } from "@/lib/errors";
import { handle } from "@/lib/http/handle";

export { requireUuid, validate } from "@/lib/http/handle";

/**
 * Every route handler goes through `route()`: it finds the user, runs the handler, and turns any
 * thrown error into `{"error":{code,message,field?}}` with a fitting status (through `handle()`,
 * the same mapping the server actions use).
 */
export type RouteContext<P> = { request: Request; ownerId: string; params: P };

export function route<P = Record<string, never>>(handler: (ctx: RouteContext<P>) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const result = await handle(async () => {
      const [ownerId, params] = await Promise.all([currentUserId(), context.params]);
      return handler({ request, ownerId, params });
    });
    return result.ok ? result.value : result.error.toResponse();
  };
}

const MAX_JSON_BYTES = 256 * 1024;

/** Reads a JSON body, refusing the wrong content type, oversize bodies and malformed JSON by name. */
export async function readJson(request: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", `Send the body as application/json (got ${type || "no content type"})`);
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readLimited(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(400, "malformed_json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "body_too_large", `The body is larger than ${Math.round(maxBytes / 1024)} KB`);
}

/** The body as text, refused with 413 once it passes `maxBytes` (the bytes read so far are dropped). */
export async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

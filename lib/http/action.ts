import "server-only";
import type { ApiErrorBody } from "@/lib/errors";
import { handle } from "@/lib/http/handle";

/** What a server action hands the browser: its value, or the error as the API would answer it. */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** The actions' side of `handle()`: the same error mapping as the routes, as a plain serialisable value. */
export async function guarded<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  const result = await handle(work);
  return result.ok ? result : { ok: false, error: result.error.body };
}

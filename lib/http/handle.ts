import "server-only";
import { unstable_rethrow } from "next/navigation";
import { ApiError, toApiError } from "@/lib/errors";
import { isUuid } from "@/lib/validation/uuid";

export { validate } from "@/lib/errors";

/**
 * The one wrapper behind every route handler (`route()`) and server action (`guarded()` in
 * lib/http/action.ts): it runs the work and turns whatever it throws into an ApiError through
 * `toApiError`, so both speak the same codes, statuses and fields.
 */
export type Handled<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export async function handle<T>(work: () => Promise<T>): Promise<Handled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    unstable_rethrow(error); // redirect(), notFound() and the like are Next's control flow, not failures
    return { ok: false, error: toApiError(error) };
  }
}

/** An id from a path or an action's argument: anything but a UUID is "not found", before any query. */
export function requireUuid(value: unknown, what: string): string {
  if (!isUuid(value)) throw new ApiError(404, "not_found", `${what} was not found`, "id");
  return value.toLowerCase();
}

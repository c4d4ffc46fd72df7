import "server-only";
/**
 * Why a running job's signal fired, as the worker tells it: the process is stopping (the job goes
 * back to the queue), or the heartbeat found the lease gone (the job is dropped, nothing written).
 * A person's cancel is "cancelled"; a sibling's hard failure is a GatewayError of kind `cancelled`.
 */
export const SHUTDOWN = "shutdown";
export const LEASE_LOST = "lease_lost";
export const CANCELLED = "cancelled";
/** The job's row was never written (the fast path's insert failed): there is nothing to write to. */
export const NOT_STORED = "not stored";

/**
 * A controller of its own that also fires, with the same reason, when `outer` does: a generation's
 * stop beside the worker's signal, an attempt's request beside the generation's. `release` stops
 * listening to `outer` once the work is over.
 */
export function linkedController(outer: AbortSignal): AbortController & { release: () => void } {
  const controller = new AbortController();
  const follow = () => controller.abort(outer.reason);
  if (outer.aborted) follow();
  else outer.addEventListener("abort", follow, { once: true });
  return Object.assign(controller, { release: () => outer.removeEventListener("abort", follow) });
}

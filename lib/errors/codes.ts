/**
 * The studio's own error codes, written once. Scripts and the UI branch on these strings, so a code
 * is part of the HTTP contract: add freely, never rename. Browser-safe (no imports).
 */

/** What the HTTP API and the server actions answer with, in `{"error":{code,message,field?}}`. */
export const API_ERROR_CODES = [
  /** A field, query parameter or body the studio refuses (422; 400 for a value the database refused). */
  "invalid_request",
  /** The safety pre-filter refused the prompt before anything was sent (422). */
  "prompt_refused",
  /** No such thing for this owner, including an id that is not a UUID (404). */
  "not_found",
  /** An uploaded file the studio refuses: not an image, damaged, too large, a mask that does not fit (422). */
  "invalid_upload",
  /** The body is not JSON (400). */
  "malformed_json",
  /** The body is not of the type the route reads (415). */
  "unsupported_media_type",
  /** The body is over the route's limit (413). */
  "body_too_large",
  /** A history cursor this API did not give out (400). */
  "invalid_cursor",
  /** A generation still queued or running, asked to be deleted: cancel it first (409). */
  "generation_active",
  /** A conversation whose turn is still queued or running, sent another message or asked to be deleted (409). */
  "turn_active",
  /** A generation whose estimated cost would pass the daily or monthly budget, refused before sending (402). */
  "budget_exceeded",
  /** Anything else: logged on the server, told to the client without detail (500). */
  "internal_error",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * Why a job failed, in the studio's words, where the failure is the studio's own rather than the
 * gateway's: stored as `generations.error_code` / `attempts.error_code` and sent in `end` events.
 */
export const JOB_ERROR_CODES = [
  "cancelled",
  /** The worker stopped (crash, restart) while running it, and it was not run again. */
  "interrupted",
  /** This image's request was cut off because another image of the generation failed hard. */
  "stopped",
  /** The studio could not write an image (disk full, permissions): not tried again. */
  "storage_error",
  /** The studio's database failed while the job ran, on its last run. */
  "database_error",
  /** The gateway's bytes are not an image. */
  "corrupt_image",
  "truncated_stream",
  /** An SSE event from the gateway the studio cannot read. */
  "bad_event",
  /** A reply that is not JSON. */
  "bad_response",
  /** An image that ended with no attempt made (a guard that should never be seen). */
  "no_attempt",
  "timeout",
  "idle_timeout",
  "connection_refused",
  "connection_reset",
  "network_error",
  /** An agent turn whose conversation (or message) no longer exists when it runs. */
  "conversation_gone",
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

/**
 * A code the gateway sent (`moderation_blocked`, `rate_limit_exceeded`, `INVALID_API_KEY`, `http_503`,
 * ...): passed through as it came, so it is any string. `string & {}` keeps editors suggesting the
 * studio's own codes in a `JobErrorCode | UpstreamCode` while accepting every other string.
 */
export type UpstreamCode = string & {};

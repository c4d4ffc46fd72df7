import "server-only";
import { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "openai";

/**
 * Every way a gateway call can fail, as one typed value with a message a person can act on.
 * The job runner decides what to retry from `kind` alone (lib/jobs/policy.ts).
 */
export type GatewayErrorKind =
  | "auth"
  | "invalid_request"
  | "moderation"
  | "rate_limit"
  | "upstream"
  | "server"
  | "timeout"
  | "network"
  | "bad_response"
  | "cancelled";

export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    /** A stable code: the upstream's own where it sent one (moderation_blocked, INVALID_API_KEY...). */
    readonly code: string,
    message: string,
    readonly extra: { httpStatus?: number; field?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

type UpstreamBody = { message?: unknown; type?: unknown; code?: unknown; param?: unknown };

/** sub2api answers 401 with {code, message}; OpenAI with {error:{...}}; the SDK keeps only the latter. */
function upstreamFields(error: APIError, rawBody: unknown): { message: string; type?: string; code?: string; param?: string } {
  const body = (error.error ?? (rawBody && typeof rawBody === "object" ? rawBody : {})) as UpstreamBody & { error?: UpstreamBody };
  const inner: UpstreamBody = body.error && typeof body.error === "object" ? body.error : body;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  return {
    message: str(inner.message) ?? error.message,
    type: str(inner.type),
    code: str(inner.code) ?? str(error.code),
    param: str(inner.param) ?? str(error.param),
  };
}

export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get("retry-after-ms") ?? null;
  if (value && Number.isFinite(Number(value))) return Number(value);
  const seconds = headers?.get("retry-after") ?? null;
  if (!seconds) return undefined;
  if (/^\d+(\.\d+)?$/.test(seconds.trim())) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function fromApiError(error: APIError, rawBody?: unknown): GatewayError {
  const status = error.status;
  const up = upstreamFields(error, rawBody);
  const withStatus = { httpStatus: status };
  // A refusal is one whether it came as the answer or mid-stream (the Responses API fails a started
  // response with it): never the transient "upstream" error a retry may fix.
  if (up.code === "moderation_blocked" || up.type === "image_generation_user_error") return refusal(up.code, up.message, withStatus);
  if (status === undefined) {
    // A mid-stream `event: error` or a data payload with an `error` key: the SDK gives no status.
    return new GatewayError("upstream", up.code ?? up.type ?? "stream_error", `The gateway reported an error mid-stream: ${up.message}`);
  }
  if (status === 401 || status === 403) {
    return new GatewayError("auth", up.code ?? "invalid_api_key", `The gateway rejected the API key (${status}: ${up.message}). Fix the key on the server; it may be wrong, deleted or disabled.`, withStatus);
  }
  if (status === 429) {
    const wait = retryAfterMs(error.headers);
    const when = wait !== undefined ? ` Try again in ${Math.ceil(wait / 1000)} s.` : " Try again later.";
    return new GatewayError("rate_limit", up.code ?? "rate_limit_exceeded", `Usage limit reached on the gateway account (${up.message}).${when}`, { ...withStatus, retryAfterMs: wait });
  }
  if (status >= 400 && status < 500) {
    const field = up.param;
    const about = field ? ` (field: ${field})` : "";
    return new GatewayError("invalid_request", up.code ?? up.type ?? "invalid_request_error", `The gateway refused the request${about}: ${up.message}`, { ...withStatus, field });
  }
  if (status === 502) {
    return new GatewayError("upstream", up.code ?? up.type ?? "upstream_error", `The gateway's upstream gave no image (502: ${up.message}).`, withStatus);
  }
  return new GatewayError("server", up.code ?? up.type ?? `http_${status}`, `The gateway failed (${status}: ${up.message}).`, withStatus);
}

function refusal(code: string | undefined, message: string, extra: { httpStatus?: number }): GatewayError {
  return new GatewayError("moderation", code ?? "moderation_blocked", `The gateway's safety system refused this prompt: ${message} Rephrase it; explicit constraints such as "adults, non-explicit, fully clothed" lower refusals.`, extra);
}

/** Maps anything thrown while calling the gateway to a GatewayError; `rawBody` is an error answer's JSON. */
export function toGatewayError(error: unknown, rawBody?: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof APIUserAbortError) return new GatewayError("cancelled", "cancelled", "The request was stopped.");
  if (error instanceof APIConnectionTimeoutError) return new GatewayError("timeout", "timeout", "The gateway did not answer in time.");
  if (error instanceof APIConnectionError) return networkError(error.cause ?? error);
  if (error instanceof APIError) return fromApiError(error, rawBody);
  if (error instanceof SyntaxError) return new GatewayError("bad_response", "bad_response", `The gateway sent a reply that is not JSON (${error.message}).`);
  return networkError(error);
}

function networkError(error: unknown): GatewayError {
  const text = describe(error);
  if (/ECONNREFUSED/.test(text)) return new GatewayError("network", "connection_refused", "Could not reach the gateway: connection refused.");
  if (/ECONNRESET|socket hang up|other side closed|terminated/i.test(text)) {
    return new GatewayError("network", "connection_reset", "The connection to the gateway was cut.");
  }
  return new GatewayError("network", "network_error", `Could not talk to the gateway: ${text}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = (error as Error & { code?: unknown }).code;
  return [error.message, typeof code === "string" ? code : "", cause ? describe(cause) : ""].filter(Boolean).join(" / ");
}

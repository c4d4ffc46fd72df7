/**
 * Fault injection. A spec is a comma-separated list of faults, each `name[:arg][;key=value]...`,
 * e.g. `status:429;retry-after=7`, `slow:2000,keepalive`, `corrupt-b64;mode=truncated`, or `ok`.
 * `corrupt-b64` spoils the final image, or with `at=partials` every partial preview instead; its
 * `mode` says how (respond.ts: damage): `invalid` base64, `text` that is no image, or the image's
 * bytes `truncated` (cut in half), `tail` (only the end marker dropped: PNG's IEND chunk, JPEG's
 * FF D9; WebP has none and loses its last 16 bytes), `flip` (bytes flipped in the middle of the
 * picture data), `zero-tail` (the last third zeroed, the length kept) or `header-only` (a valid
 * header and nothing after it). Every one of them passes a header read. Only PNG has checksums: a
 * flipped JPEG or WebP, or a zeroed WebP, still decodes (to a wrong picture).
 * Size faults, one per spec: `wrong-size` (smaller, the asked size echoed), `downgrade` (smaller
 * and lower quality, both echoed), `larger` (bigger than asked, the asked size echoed), `aspect`
 * (another aspect ratio, the asked size echoed), `echo-mismatch` (the asked size, another echoed).
 * `grain:N` gives this request's pictures photo-like grain (draw.ts: addGrain), whatever SIM_GRAIN says.
 * Gateway misbehaviour on edits: `ignore-mask` drops the mask, so the edit repaints the whole
 * picture (sub2api #6273, #2251); `fewer-images` answers with one image fewer than `n` asked, at
 * least one (on generations and edits alike; a stream carries one image, so it changes nothing there).
 * On /v1/responses, `status:N;at=tool` and `moderation;at=tool` let the stream start (the text
 * is written) and fail where the image tool would run, as `response.failed` carrying the same error
 * (responses-stream.ts); the image endpoints have no such stage and answer them before any work.
 * Specs arrive per request in the `x-sim-fault` header, from the scripted queue (matched on the
 * prompt — on /v1/responses, the last user message's text), or embedded in it as `[[sim:<spec>]]` —
 * in that order of precedence.
 */
import { ApiError, INVALID_API_KEY_BODY, openAIError } from "./errors";

/** Faults that replace the whole response before any image work. */
export type PreemptFault =
  | { kind: "status"; status: number; code?: string; retryAfter?: string; message?: string }
  | { kind: "refuse-connection" }
  | { kind: "stall-before" };

/** Faults that break a response after it started. */
export type EndingFault = "reset-mid-stream" | "stall-mid" | "error-mid-stream" | "error-data" | "truncated" | "non-json";

export type CorruptMode = "invalid" | "text" | "truncated" | "tail" | "flip" | "zero-tail" | "header-only";

export type ImageSizeFault = "wrong-size" | "downgrade" | "larger" | "aspect" | "echo-mismatch";

/** Everything one spec asks for; each slot holds at most one fault so combinations stay unambiguous. */
export type FaultPlan = {
  spec: string;
  preempt?: PreemptFault;
  ending?: EndingFault;
  /** What is drawn and echoed instead of the asked size (see the top of this file). */
  imageSize?: ImageSizeFault;
  corrupt?: CorruptMode;
  /** Which images `corrupt` spoils. */
  corruptAt?: "final" | "partials";
  /** `at=tool` on a status fault: /v1/responses fails mid-stream where the tool runs, not before. */
  preemptAt?: "tool";
  slowMs: number;
  keepalive: boolean;
  grain?: number;
  /** `ignore-mask`: an edit painted as though no mask had been sent. */
  ignoreMask?: boolean;
  /** `fewer-images`: one image fewer than `n`, at least one. */
  fewerImages?: boolean;
};

export class FaultSpecError extends Error {
  constructor(spec: string, reason: string) {
    super(`Invalid simulator fault spec "${spec}": ${reason}`);
    this.name = "FaultSpecError";
  }
}

const ENDINGS: readonly EndingFault[] = ["reset-mid-stream", "stall-mid", "error-mid-stream", "error-data", "truncated", "non-json"];
const CORRUPT_MODES: readonly CorruptMode[] = ["invalid", "text", "truncated", "tail", "flip", "zero-tail", "header-only"];
const IMAGE_SIZE_FAULTS: readonly ImageSizeFault[] = ["wrong-size", "downgrade", "larger", "aspect", "echo-mismatch"];

type Part = { name: string; arg?: string; params: Map<string, string> };

function splitPart(text: string, spec: string): Part {
  const [head = "", ...pairs] = text.split(";").map((piece) => piece.trim());
  const colon = head.indexOf(":");
  const name = (colon < 0 ? head : head.slice(0, colon)).trim().toLowerCase();
  const arg = colon < 0 ? undefined : head.slice(colon + 1).trim();
  const params = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new FaultSpecError(spec, `expected key=value, got "${pair}"`);
    params.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  return { name, arg, params };
}

function onlyParams(part: Part, spec: string, allowed: string[]): void {
  for (const key of part.params.keys()) {
    if (!allowed.includes(key)) throw new FaultSpecError(spec, `"${part.name}" takes no parameter "${key}"`);
  }
  if (part.arg !== undefined && !["status", "moderation", "slow", "grain"].includes(part.name)) {
    throw new FaultSpecError(spec, `"${part.name}" takes no argument`);
  }
}

function parseStatus(part: Part, spec: string, fallback?: number): PreemptFault {
  const status = part.arg === undefined ? fallback : Number(part.arg);
  if (status === undefined || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new FaultSpecError(spec, "the status must be a number from 400 to 599");
  }
  const retryAfter = part.params.get("retry-after");
  if (retryAfter !== undefined && !/^\d+$/.test(retryAfter)) {
    throw new FaultSpecError(spec, "retry-after must be a whole number of seconds");
  }
  const code = part.name === "moderation" ? "moderation_blocked" : part.params.get("code");
  return { kind: "status", status, code, retryAfter, message: part.params.get("message") };
}

/** Puts one fault into its slot of the plan, refusing two faults for the same slot. */
function addFault(plan: FaultPlan, part: Part, spec: string): void {
  const claim = <K extends "preempt" | "ending" | "imageSize" | "corrupt">(slot: K, value: FaultPlan[K]) => {
    if (plan[slot] !== undefined) throw new FaultSpecError(spec, `"${part.name}" conflicts with an earlier fault`);
    plan[slot] = value;
  };
  const ending = ENDINGS.find((name) => name === part.name);
  const imageSize = IMAGE_SIZE_FAULTS.find((name) => name === part.name);
  switch (part.name) {
    case "ok":
      return onlyParams(part, spec, []);
    case "status":
    case "moderation": {
      onlyParams(part, spec, part.name === "status" ? ["code", "retry-after", "message", "at"] : ["message", "at"]);
      const at = part.params.get("at") ?? "request";
      if (at !== "request" && at !== "tool") throw new FaultSpecError(spec, `${part.name} at must be request or tool`);
      if (at === "tool") plan.preemptAt = "tool";
      return claim("preempt", parseStatus(part, spec, part.name === "moderation" ? 400 : undefined));
    }
    case "refuse-connection":
    case "stall-before":
      onlyParams(part, spec, []);
      return claim("preempt", { kind: part.name });
    case "corrupt-b64": {
      onlyParams(part, spec, ["mode", "at"]);
      const mode = CORRUPT_MODES.find((m) => m === (part.params.get("mode") ?? "invalid"));
      if (!mode) throw new FaultSpecError(spec, `corrupt-b64 mode must be one of ${CORRUPT_MODES.join(", ")}`);
      const at = part.params.get("at") ?? "final";
      if (at !== "final" && at !== "partials") throw new FaultSpecError(spec, `corrupt-b64 at must be final or partials`);
      plan.corruptAt = at;
      return claim("corrupt", mode);
    }
    case "keepalive":
      onlyParams(part, spec, []);
      plan.keepalive = true;
      return;
    case "ignore-mask":
      onlyParams(part, spec, []);
      plan.ignoreMask = true;
      return;
    case "fewer-images":
      onlyParams(part, spec, []);
      plan.fewerImages = true;
      return;
    case "grain": {
      onlyParams(part, spec, []);
      const grain = Number(part.arg ?? "6");
      if (!Number.isInteger(grain) || grain < 0 || grain > 64) throw new FaultSpecError(spec, "grain takes a whole number from 0 to 64");
      plan.grain = grain;
      return;
    }
    case "slow": {
      onlyParams(part, spec, []);
      const ms = Number(part.arg);
      if (part.arg === undefined || !Number.isInteger(ms) || ms < 0) throw new FaultSpecError(spec, "slow needs milliseconds, e.g. slow:1500");
      plan.slowMs += ms;
      return;
    }
    default:
      if (imageSize) {
        onlyParams(part, spec, []);
        return claim("imageSize", imageSize);
      }
      if (!ending) throw new FaultSpecError(spec, `unknown fault "${part.name}"`);
      onlyParams(part, spec, []);
      return claim("ending", ending);
  }
}

export function parseFaultSpec(spec: string): FaultPlan {
  const plan: FaultPlan = { spec: spec.trim(), slowMs: 0, keepalive: false };
  const parts = spec.split(",").map((text) => text.trim());
  if (parts.some((text) => text === "")) throw new FaultSpecError(spec, "empty fault");
  for (const text of parts) addFault(plan, splitPart(text, spec), spec);
  return plan;
}

const PROMPT_MARKER = /\[\[sim:([^\]]+)\]\]/;

/** Scripted faults: requests whose prompt contains `match` take the next spec of the list, in order. */
export class FaultScript {
  private entries: { match: string; plans: FaultPlan[] }[] = [];

  /** Parses every spec first so a bad list is refused whole. */
  add(match: string, specs: string[]): void {
    this.entries.push({ match, plans: specs.map(parseFaultSpec) });
  }

  take(prompt: string): FaultPlan | undefined {
    const entry = this.entries.find((candidate) => candidate.plans.length > 0 && prompt.includes(candidate.match));
    return entry?.plans.shift();
  }

  clear(): void {
    this.entries = [];
  }

  pending(): { match: string; faults: string[] }[] {
    return this.entries.map(({ match, plans }) => ({ match, faults: plans.map((plan) => plan.spec) }));
  }
}

/** The fault for one request (`header` already trimmed, undefined when absent); throws FaultSpecError for a malformed header or marker. */
export function chooseFault(header: string | undefined, prompt: string | undefined, script: FaultScript): FaultPlan | undefined {
  if (header !== undefined) return parseFaultSpec(header);
  if (prompt === undefined) return undefined;
  const scripted = script.take(prompt);
  if (scripted) return scripted;
  const marker = PROMPT_MARKER.exec(prompt)?.[1];
  return marker === undefined ? undefined : parseFaultSpec(marker);
}

const MODERATION_MESSAGE =
  "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID.";

/** The error response for `status:<code>`, with the body the contract lists for that code. */
export function statusFaultError(fault: Extract<PreemptFault, { kind: "status" }>): ApiError {
  const { status, code, message, retryAfter } = fault;
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": retryAfter };
  const shaped = (text: string, type: string, param: string | null, fallbackCode: string | null) =>
    new ApiError(status, openAIError(message ?? text, type, param, code ?? fallbackCode), headers);
  if (code === "moderation_blocked") return shaped(MODERATION_MESSAGE, "image_generation_user_error", null, null);
  switch (status) {
    case 400:
      return shaped("Width and height must both be divisible by 16", "invalid_request_error", "size", "invalid_value");
    case 401:
      return new ApiError(401, INVALID_API_KEY_BODY, headers);
    case 429:
      return shaped(
        code === "usage_limit_reached" ? "The usage limit has been reached for this account." : "Rate limit reached for gpt-image-2. Please try again later.",
        "rate_limit_error",
        null,
        "rate_limit_exceeded",
      );
    case 502:
      // sub2api's body: no param, no code.
      return new ApiError(502, { error: { type: "upstream_error", message: message ?? "Upstream request failed" } }, headers);
    case 503:
      return shaped("The server is overloaded or not ready yet.", "server_error", null, "service_unavailable");
    case 504:
      return shaped("The upstream server timed out.", "server_error", null, "gateway_timeout");
    default:
      return status < 500
        ? shaped(`Request failed with status ${status}.`, "invalid_request_error", null, null)
        : shaped("The server had an error while processing your request. Sorry about that!", "server_error", null, null);
  }
}

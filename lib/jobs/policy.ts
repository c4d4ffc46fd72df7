import type { Env } from "@/lib/env";
import type { GatewayError } from "@/lib/gateway/errors";
import { isExperimentalSize, parseSize } from "@/lib/images/size-rules";

/**
 * The gateway brief's production rules, each written once: timeouts by size, which failures are
 * retried and after how long, and the fallback ladder for 4K.
 */
export type PolicySettings = Pick<Env, "TIMEOUT_MS" | "TIMEOUT_LARGE_MS" | "STREAM_IDLE_MS" | "RETRY_MAX" | "RETRY_BASE_MS" | "RETRY_AFTER_CAP_MS">;

export function deadlineFor(size: string, settings: PolicySettings): number {
  return isExperimentalSize(size) ? settings.TIMEOUT_LARGE_MS : settings.TIMEOUT_MS;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false };

/** Failures that say nothing about the request itself: another try may well succeed. */
export function isTransient(error: GatewayError): boolean {
  if (error.kind === "network" || error.kind === "timeout" || error.kind === "upstream" || error.kind === "bad_response") return true;
  const status = error.extra.httpStatus;
  return error.kind === "server" && (status === 502 || status === 503 || status === 504);
}

/**
 * `triesSoFar` counts tries of this step, the failed one included. 400, 401, 403 and refusals are
 * never retried; 429 only when the gateway says when, within the cap.
 */
export function retryDecision(error: GatewayError, triesSoFar: number, settings: PolicySettings, random: () => number = Math.random): RetryDecision {
  if (triesSoFar > settings.RETRY_MAX) return { retry: false };
  if (error.kind === "rate_limit") {
    const wait = error.extra.retryAfterMs;
    if (wait === undefined || wait > settings.RETRY_AFTER_CAP_MS) return { retry: false };
    return { retry: true, delayMs: wait, reason: `the gateway asked to wait ${Math.ceil(wait / 1000)} s` };
  }
  if (!isTransient(error)) return { retry: false };
  const base = settings.RETRY_BASE_MS * 2 ** (triesSoFar - 1);
  const delayMs = Math.round(base * (0.5 + random())); // jitter: 50%-150% of the exponential step
  return { retry: true, delayMs, reason: error.message };
}

export type LadderStep = {
  step: "asked" | "fallback-medium" | "fallback-small";
  size: string;
  quality: string;
  /** Set on the last rung: the image is drawn small and scaled up to this size with sharp. */
  upscaleTo?: string;
};

/** Asked 4K at high (or auto) quality, with the ladder on: medium 4K, then small medium + upscale. */
export function ladderFor(request: { size: string; quality: string; fallback: boolean }): LadderStep[] {
  const asked: LadderStep = { step: "asked", size: request.size, quality: request.quality };
  const dims = parseSize(request.size);
  const eligible = request.fallback && dims && isExperimentalSize(request.size) && (request.quality === "high" || request.quality === "auto");
  if (!eligible) return [asked];
  const small = dims.width > dims.height ? "1536x1024" : dims.width < dims.height ? "1024x1536" : "1024x1024";
  return [
    asked,
    { step: "fallback-medium", size: request.size, quality: "medium" },
    { step: "fallback-small", size: small, quality: "medium", upscaleTo: request.size },
  ];
}

/** Falling back helps when the big request itself is the trouble, not the key, prompt or quota. */
export function shouldFallBack(error: GatewayError): boolean {
  return isTransient(error);
}

const QUALITY_RANK: Record<string, number> = { low: 0, medium: 1, high: 2 };

/** What the gateway gave short of what was asked, as a sentence, or null when it gave it all. */
export function downgradeOf(
  asked: { size: string; quality: string },
  got: { width: number; height: number; echoedSize?: string; echoedQuality?: string },
): string | null {
  const problems: string[] = [];
  const want = parseSize(asked.size);
  if (want && (got.width < want.width || got.height < want.height)) {
    problems.push(`asked ${asked.size}, received ${got.width}x${got.height}`);
  } else if (want && got.echoedSize && got.echoedSize !== asked.size) {
    problems.push(`asked ${asked.size}, gateway reported ${got.echoedSize}`);
  }
  const askedRank = QUALITY_RANK[asked.quality];
  const gotRank = got.echoedQuality ? QUALITY_RANK[got.echoedQuality] : undefined;
  if (askedRank !== undefined && gotRank !== undefined && gotRank < askedRank) {
    problems.push(`asked ${asked.quality} quality, gateway reported ${got.echoedQuality}`);
  }
  return problems.length > 0 ? problems.join("; ") : null;
}

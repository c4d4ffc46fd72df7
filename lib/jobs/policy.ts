import "server-only";
import type { Env } from "@/lib/env";
import type { GatewayError } from "@/lib/gateway/errors";
import { formatSize, isExperimentalSize, parseSize, type Dimensions } from "@/lib/images/size-rules";

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

/**
 * Every way the picture differs from what was asked and from what the gateway said it sent, as
 * one sentence, or null when all agree. The decoded size is the truth: gateways have sent smaller
 * pictures than asked under an echo of the asked size. `auto` has no size to compare with.
 */
export function differencesOf(asked: { size: string; quality: string }, got: Dimensions, echo: { size?: string; quality?: string }): string | null {
  const problems: string[] = [];
  const want = parseSize(asked.size);
  const echoed = echo.size ? parseSize(echo.size) : null;
  const echoLies = echoed !== null && !sameSize(echoed, got);
  if (want && !sameSize(want, got)) {
    const alsoEchoed = echoLies && sameSize(echoed, want);
    problems.push(`${sizeDifference(want, got)}${alsoEchoed ? `, though the gateway reported ${formatSize(echoed)}` : ""}`);
    if (echoLies && !alsoEchoed) problems.push(`the gateway reported ${formatSize(echoed)} but the image is ${formatSize(got)}`);
  } else if (echoLies) {
    problems.push(`the gateway reported ${formatSize(echoed)} but the image is ${formatSize(got)}`);
  }
  const askedRank = QUALITY_RANK[asked.quality];
  const gotRank = echo.quality ? QUALITY_RANK[echo.quality] : undefined;
  if (askedRank !== undefined && gotRank !== undefined && gotRank < askedRank) {
    problems.push(`asked ${asked.quality} quality, gateway reported ${echo.quality}`);
  }
  return problems.length > 0 ? problems.join("; ") : null;
}

function sameSize(a: Dimensions, b: Dimensions): boolean {
  return a.width === b.width && a.height === b.height;
}

/** Within this, two shapes are the same one drawn on a grid (2048x1152 and 1024x576, or 1672x941). */
const SAME_ASPECT = 0.02;

/** "asked 2048x2048, received 1024x1024: smaller, 25% of the pixels"; the shapes named when they differ. */
function sizeDifference(want: Dimensions, got: Dimensions): string {
  const reshaped = Math.abs(aspect(got) / aspect(want) - 1) > SAME_ASPECT;
  const [wantShape, gotShape] = reshaped ? shapeNames(want, got) : ["", ""];
  const scale = got.width * got.height / (want.width * want.height);
  const amount = scale < 1 ? `: smaller, ${percent(scale)} of the pixels` : scale > 1 ? `: larger, ${times(scale)} the pixels` : "";
  return `asked ${formatSize(want)}${wantShape}, received ${formatSize(got)}${gotShape}${amount}`;
}

function aspect({ width, height }: Dimensions): number {
  return width / height;
}

function orientation({ width, height }: Dimensions): string {
  return width > height ? "landscape" : width < height ? "portrait" : "square";
}

/** " (portrait)" and " (landscape)"; the ratios too when both lean the same way ("landscape 3:2"). */
function shapeNames(want: Dimensions, got: Dimensions): [string, string] {
  const same = orientation(want) === orientation(got);
  const name = (d: Dimensions) => ` (${orientation(d)}${same ? ` ${ratio(d)}` : ""})`;
  return [name(want), name(got)];
}

/** 3:2 or 16:9 when the terms are small, else 1.78:1. */
function ratio({ width, height }: Dimensions): string {
  const divisor = gcd(width, height);
  const [w, h] = [width / divisor, height / divisor];
  if (w <= 21 && h <= 21) return `${w}:${h}`;
  return width >= height ? `${(width / height).toFixed(2)}:1` : `1:${(height / width).toFixed(2)}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Whole percents, unless that would round a real difference away (99.6%, not 100%). */
function percent(share: number): string {
  const whole = Math.round(share * 100);
  return whole === 0 || whole === 100 ? `${(share * 100).toFixed(1)}%` : `${whole}%`;
}

function times(scale: number): string {
  return `${Number(scale.toFixed(2))} times`;
}

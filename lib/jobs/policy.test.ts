import { describe, expect, it } from "vitest";
import { GatewayError, type GatewayErrorKind } from "@/lib/gateway/errors";
import { deadlineFor, downgradeOf, ladderFor, retryDecision, shouldFallBack, type PolicySettings } from "@/lib/jobs/policy";

const settings: PolicySettings = { TIMEOUT_MS: 120_000, TIMEOUT_LARGE_MS: 300_000, STREAM_IDLE_MS: 60_000, RETRY_MAX: 2, RETRY_BASE_MS: 1000, RETRY_AFTER_CAP_MS: 60_000 };
const err = (kind: GatewayErrorKind, httpStatus?: number, retryAfterMs?: number) => new GatewayError(kind, "x", "m", { httpStatus, retryAfterMs });
const half = () => 0.5; // jitter at its midpoint: the exponential step itself

describe("timeouts by size", () => {
  it("gives 120 s up to 2560x1440 and 300 s above", () => {
    expect(deadlineFor("1024x1024", settings)).toBe(120_000);
    expect(deadlineFor("2560x1440", settings)).toBe(120_000);
    expect(deadlineFor("auto", settings)).toBe(120_000);
    expect(deadlineFor("2048x2048", settings)).toBe(300_000);
    expect(deadlineFor("3840x2160", settings)).toBe(300_000);
  });
});

describe("retries", () => {
  it("retries network errors, timeouts, 502, 503 and 504 with exponential backoff", () => {
    for (const e of [err("network"), err("timeout"), err("upstream", 502), err("server", 503), err("server", 504), err("bad_response")]) {
      expect(retryDecision(e, 1, settings, half)).toMatchObject({ retry: true, delayMs: 1000 });
      expect(retryDecision(e, 2, settings, half)).toMatchObject({ retry: true, delayMs: 2000 });
      expect(retryDecision(e, 3, settings, half)).toEqual({ retry: false });
    }
  });

  it("jitters between half and one and a half of the step", () => {
    expect(retryDecision(err("network"), 2, settings, () => 0)).toMatchObject({ delayMs: 1000 });
    expect(retryDecision(err("network"), 2, settings, () => 0.999)).toMatchObject({ delayMs: 2998 });
  });

  it("never retries 400, 401, 403, refusals, 500 or other 4xx", () => {
    for (const e of [err("invalid_request", 400), err("auth", 401), err("auth", 403), err("moderation", 400), err("server", 500), err("invalid_request", 404), err("cancelled")]) {
      expect(retryDecision(e, 1, settings, half)).toEqual({ retry: false });
    }
  });

  it("retries 429 only after the gateway's Retry-After, within the cap", () => {
    expect(retryDecision(err("rate_limit", 429), 1, settings, half)).toEqual({ retry: false });
    expect(retryDecision(err("rate_limit", 429, 5000), 1, settings, half)).toMatchObject({ retry: true, delayMs: 5000 });
    expect(retryDecision(err("rate_limit", 429, 60_001), 1, settings, half)).toEqual({ retry: false });
    expect(retryDecision(err("rate_limit", 429, 5000), 3, settings, half)).toEqual({ retry: false });
  });
});

describe("the 4K fallback ladder", () => {
  it("steps down from 4K high to 4K medium to a small medium image upscaled", () => {
    expect(ladderFor({ size: "3840x2160", quality: "high", fallback: true })).toEqual([
      { step: "asked", size: "3840x2160", quality: "high" },
      { step: "fallback-medium", size: "3840x2160", quality: "medium" },
      { step: "fallback-small", size: "1536x1024", quality: "medium", upscaleTo: "3840x2160" },
    ]);
    expect(ladderFor({ size: "2160x3840", quality: "auto", fallback: true })[2]).toMatchObject({ size: "1024x1536" });
    expect(ladderFor({ size: "2880x2880", quality: "high", fallback: true })[2]).toMatchObject({ size: "1024x1024" });
  });

  it("is walked after transient failures only, never after a refusal, a bad key, a bad request or a rate limit", () => {
    for (const e of [err("network"), err("timeout"), err("upstream", 502), err("server", 503), err("bad_response")]) expect(shouldFallBack(e)).toBe(true);
    for (const e of [err("auth", 401), err("moderation", 400), err("invalid_request", 400), err("rate_limit", 429), err("cancelled"), err("server", 500)]) expect(shouldFallBack(e)).toBe(false);
  });

  it("is a single step when switched off, for small sizes, and for medium or low quality", () => {
    expect(ladderFor({ size: "3840x2160", quality: "high", fallback: false })).toHaveLength(1);
    expect(ladderFor({ size: "1536x1024", quality: "high", fallback: true })).toHaveLength(1);
    expect(ladderFor({ size: "3840x2160", quality: "medium", fallback: true })).toHaveLength(1);
    expect(ladderFor({ size: "auto", quality: "high", fallback: true })).toHaveLength(1);
  });
});

describe("silent downgrades", () => {
  it("names a smaller image, a smaller echoed size and a lower echoed quality", () => {
    expect(downgradeOf({ size: "2048x2048", quality: "high" }, { width: 2048, height: 2048, echoedSize: "2048x2048", echoedQuality: "high" })).toBeNull();
    expect(downgradeOf({ size: "2048x2048", quality: "high" }, { width: 1024, height: 1024 })).toBe("asked 2048x2048, received 1024x1024");
    expect(downgradeOf({ size: "2048x2048", quality: "auto" }, { width: 2048, height: 2048, echoedSize: "1024x1024" })).toBe("asked 2048x2048, gateway reported 1024x1024");
    expect(downgradeOf({ size: "1024x1024", quality: "high" }, { width: 1024, height: 1024, echoedQuality: "medium" })).toBe("asked high quality, gateway reported medium");
    expect(downgradeOf({ size: "auto", quality: "auto" }, { width: 1024, height: 1536, echoedSize: "1024x1536", echoedQuality: "low" })).toBeNull();
  });
});

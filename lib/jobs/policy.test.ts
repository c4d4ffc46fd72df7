import { describe, expect, it } from "vitest";
import { GatewayError, type GatewayErrorKind } from "@/lib/gateway/errors";
import { deadlineFor, differencesOf, ladderFor, retryDecision, shouldFallBack, type PolicySettings } from "@/lib/jobs/policy";

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

describe("differences from the size asked and the size echoed", () => {
  const px = (size: string) => {
    const [width = 0, height = 0] = size.split("x").map(Number);
    return { width, height };
  };
  const diff = (asked: string, got: string, echo: { size?: string; quality?: string } = {}, quality = "auto") => differencesOf({ size: asked, quality }, px(got), echo);

  it("flags nothing when the asked size, the echo and the picture agree", () => {
    expect(diff("2048x2048", "2048x2048", { size: "2048x2048", quality: "high" }, "high")).toBeNull();
    expect(diff("1536x1024", "1536x1024")).toBeNull();
    expect(diff("auto", "1024x1536", { size: "1024x1536", quality: "low" })).toBeNull();
  });

  it("names a smaller picture, with the share of the pixels", () => {
    expect(diff("2048x2048", "1024x1024")).toBe("asked 2048x2048, received 1024x1024: smaller, 25% of the pixels");
    expect(diff("3840x2160", "1664x928")).toBe("asked 3840x2160, received 1664x928: smaller, 19% of the pixels");
    expect(diff("1024x1024", "1024x1020")).toBe("asked 1024x1024, received 1024x1020: smaller, 99.6% of the pixels");
  });

  it("names a larger picture", () => {
    expect(diff("1024x1024", "2048x2048")).toBe("asked 1024x1024, received 2048x2048: larger, 4 times the pixels");
    expect(diff("1024x1024", "1280x1280")).toBe("asked 1024x1024, received 1280x1280: larger, 1.56 times the pixels");
  });

  it("names another aspect ratio by orientation, and by ratio when both lean the same way", () => {
    expect(diff("1024x1536", "1536x1024")).toBe("asked 1024x1536 (portrait), received 1536x1024 (landscape)");
    expect(diff("1536x1024", "1024x1024")).toBe("asked 1536x1024 (landscape), received 1024x1024 (square): smaller, 67% of the pixels");
    expect(diff("1536x1024", "2048x1152")).toBe("asked 1536x1024 (landscape 3:2), received 2048x1152 (landscape 16:9): larger, 1.5 times the pixels");
    expect(diff("2160x3840", "1008x2000")).toBe("asked 2160x3840 (portrait 9:16), received 1008x2000 (portrait 1:1.98): smaller, 24% of the pixels");
  });

  it("says when the gateway reported the asked size for another picture", () => {
    expect(diff("1536x1024", "768x512", { size: "1536x1024" })).toBe("asked 1536x1024, received 768x512: smaller, 25% of the pixels, though the gateway reported 1536x1024");
  });

  it("names an echo that differs from the picture, whatever was asked", () => {
    expect(diff("1024x1024", "1024x1024", { size: "768x768" })).toBe("the gateway reported 768x768 but the image is 1024x1024");
    expect(diff("auto", "768x768", { size: "1024x1024" })).toBe("the gateway reported 1024x1024 but the image is 768x768");
    expect(diff("2048x2048", "1024x1024", { size: "1536x1536" })).toBe(
      "asked 2048x2048, received 1024x1024: smaller, 25% of the pixels; the gateway reported 1536x1536 but the image is 1024x1024",
    );
  });

  it("does not hold the gateway's own downgrade against the echo that admits it", () => {
    expect(diff("2048x2048", "1024x1024", { size: "1024x1024" })).toBe("asked 2048x2048, received 1024x1024: smaller, 25% of the pixels");
  });

  it("compares nothing with an asked auto size, nor with an echo that is no size", () => {
    expect(diff("auto", "1536x1024")).toBeNull();
    expect(diff("1024x1024", "1024x1024", { size: "auto" })).toBeNull();
  });

  it("names a lower echoed quality, alone or beside a size difference", () => {
    expect(diff("1024x1024", "1024x1024", { quality: "medium" }, "high")).toBe("asked high quality, gateway reported medium");
    expect(diff("1024x1024", "1024x1024", { quality: "high" }, "medium")).toBeNull();
    expect(diff("1024x1024", "1024x1024", { quality: "low" }, "auto")).toBeNull();
    expect(diff("2048x1152", "1024x576", { size: "1024x576", quality: "medium" }, "high")).toBe(
      "asked 2048x1152, received 1024x576: smaller, 25% of the pixels; asked high quality, gateway reported medium",
    );
  });
});

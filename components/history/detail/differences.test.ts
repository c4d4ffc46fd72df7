import { describe, expect, it } from "vitest";
import { describeDifferences, imageDifferences, type Asked, type Received } from "@/components/history/detail/differences";

const asked = (over: Partial<Asked> = {}): Asked => ({ size: "1024x1024", quality: "high", outputFormat: "png", background: "auto", ...over });
const image = (over: Partial<Omit<Received, "echoed">> & { echoed?: Partial<Received["echoed"]> } = {}): Received => ({
  width: 1024,
  height: 1024,
  format: "png",
  downgraded: null,
  ...over,
  echoed: { size: "1024x1024", quality: "high", background: "opaque", format: "png", ...over.echoed },
});

describe("imageDifferences", () => {
  it("finds nothing when the image is what was asked", () => {
    expect(imageDifferences(asked(), image())).toEqual([]);
    expect(describeDifferences(asked(), image())).toBeNull();
  });

  it("says what was asked and got when the gateway sent less", () => {
    const got = image({ width: 1536, height: 1024, echoed: { size: "1536x1024", quality: "medium" } });
    expect(describeDifferences(asked({ size: "3840x2160" }), got)).toBe("asked 3840x2160 high, got 1536x1024 medium");
  });

  it("names the fallback's small drawing, and the studio's upscale apart from it", () => {
    const got = image({ width: 3840, height: 2160, echoed: { size: "1536x1024", quality: "medium" } });
    const producer = { step: "fallback-small", size: "1536x1024", quality: "medium" };
    expect(imageDifferences(asked({ size: "3840x2160" }), got, producer)).toEqual(["asked 3840x2160 high, got 1536x1024 medium", "upscaled by the studio to 3840x2160"]);
  });

  it("takes the rung's size and quality when the gateway echoed none", () => {
    const got = image({ width: 3840, height: 2160, echoed: { size: null, quality: null } });
    expect(describeDifferences(asked({ size: "3840x2160" }), got, { step: "fallback-small", size: "1536x1024", quality: "medium" })).toBe(
      "asked 3840x2160 high, got 1536x1024 medium; upscaled by the studio to 3840x2160",
    );
    expect(describeDifferences(asked({ size: "3840x2160" }), image({ width: 3840, height: 2160, echoed: { size: null, quality: null } }), { step: "fallback-medium", size: "3840x2160", quality: "medium" })).toBe(
      "asked 3840x2160 high, got 3840x2160 medium",
    );
  });

  it("trusts the pixels over an echo of the asked size", () => {
    const got = image({ echoed: { size: "2048x2048" } });
    expect(imageDifferences(asked({ size: "2048x2048" }), got)).toEqual(["asked 2048x2048 high, got 1024x1024 high", "the gateway reported 2048x2048 but the image is 1024x1024"]);
  });

  it("flags a lower quality alone, and leaves out a quality nobody reported", () => {
    expect(describeDifferences(asked(), image({ echoed: { quality: "low" } }))).toBe("asked 1024x1024 high, got 1024x1024 low");
    expect(describeDifferences(asked({ size: "1536x1024" }), image({ echoed: { quality: null } }))).toBe("asked 1536x1024 high, got 1024x1024");
    expect(describeDifferences(asked(), image({ echoed: { quality: null } }))).toBeNull();
  });

  it("has nothing to compare with when size and quality were auto", () => {
    expect(describeDifferences(asked({ size: "auto", quality: "auto" }), image({ width: 1536, height: 1024, echoed: { size: "1536x1024", quality: "medium" } }))).toBeNull();
  });

  it("flags the format and the background", () => {
    expect(describeDifferences(asked({ outputFormat: "webp" }), image({ echoed: { format: "png" } }))).toBe("asked webp, got png");
    expect(describeDifferences(asked(), image({ echoed: { format: "jpeg" } }))).toBe("the gateway reported jpeg but the file is png");
    expect(describeDifferences(asked({ background: "transparent" }), image())).toBe("asked a transparent background, got opaque");
    expect(describeDifferences(asked({ background: "opaque" }), image())).toBeNull();
  });

  it("falls back to the job's own sentence when the fields show nothing", () => {
    const note = "asked 2048x2048, received 2046x2048: smaller, 99.9% of the pixels";
    expect(imageDifferences(asked(), image({ downgraded: note }))).toEqual([note]);
    expect(imageDifferences(asked({ quality: "low" }), image({ downgraded: note }))).toEqual(["asked 1024x1024 low, got 1024x1024 high"]);
  });
});

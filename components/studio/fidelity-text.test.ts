import { describe, expect, it } from "vitest";
import { fidelityText, percent } from "@/components/studio/fidelity-text";

describe("fidelityText", () => {
  const flagged = { changedShare: 0.384, meanAbsDiff: 41.2, flagged: true };

  it("says how much of the protected area the gateway changed", () => {
    expect(fidelityText({ fidelity: flagged })).toBe("The gateway changed 38% of the protected area: it may have ignored the mask.");
    expect(fidelityText({ fidelity: flagged, rawImageId: null }, "image 2")).toBe("The gateway changed 38% of the protected area in image 2: it may have ignored the mask.");
  });

  it("says the source was put back when the raw result was kept beside the composite", () => {
    expect(fidelityText({ fidelity: flagged, rawImageId: "raw-1" })).toMatch(/^The gateway changed 38% of the protected area: .*source put back outside the mask; the raw result is kept too\.$/);
  });

  it("says nothing for a result within the threshold, or an edit without a mask", () => {
    expect(fidelityText({ fidelity: { changedShare: 0.01, meanAbsDiff: 0.4, flagged: false }, rawImageId: "raw-1" })).toBeNull();
    expect(fidelityText({ fidelity: null })).toBeNull();
    expect(fidelityText({})).toBeNull();
  });
});

describe("percent", () => {
  it("rounds to whole percent, keeps a tiny change from reading as none, and caps at 100", () => {
    expect(percent(0.384)).toBe("38%");
    expect(percent(0.995)).toBe("100%");
    expect(percent(1)).toBe("100%");
    expect(percent(0.004)).toBe("under 1%");
    expect(percent(0)).toBe("0%");
    expect(percent(Number.NaN)).toBe("0%");
  });
});

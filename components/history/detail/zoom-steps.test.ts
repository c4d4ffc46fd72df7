import { describe, expect, it } from "vitest";
import { fitScale, MAX_ZOOM, zoomedIn, zoomedOut } from "@/components/history/detail/zoom-steps";

describe("zoom steps", () => {
  it("fits the whole image in the box without enlarging a small one", () => {
    expect(fitScale({ width: 800, height: 600 }, { width: 1600, height: 900 })).toBe(0.5);
    expect(fitScale({ width: 800, height: 600 }, { width: 1024, height: 1536 })).toBe(600 / 1536);
    expect(fitScale({ width: 800, height: 600 }, { width: 400, height: 300 })).toBe(1);
    expect(fitScale({ width: 0, height: 0 }, { width: 400, height: 300 })).toBe(1);
  });

  it("steps in from any scale to the next step, and stops at the largest", () => {
    expect(zoomedIn(0.39)).toBe(0.5);
    expect(zoomedIn(0.5)).toBe(0.67);
    expect(zoomedIn(1)).toBe(1.5);
    expect(zoomedIn(MAX_ZOOM)).toBe(MAX_ZOOM);
  });

  it("steps out to the next smaller step, and to fit once a step would be no larger than fit", () => {
    expect(zoomedOut(2, 0.4)).toBe(1.5);
    expect(zoomedOut(1, 0.4)).toBe(0.75);
    expect(zoomedOut(0.5, 0.4)).toBe("fit");
    expect(zoomedOut(0.5, 0.33)).toBe("fit");
    expect(zoomedOut(0.67, 0.33)).toBe(0.5);
    expect(zoomedOut(1, 1)).toBe("fit");
  });
});

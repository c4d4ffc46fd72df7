import { describe, expect, it } from "vitest";
import { MIN_PRESSURE_FACTOR, pointerKind, pressureFactor } from "@/components/mask-editor/pressure";

describe("pressure to brush width", () => {
  it("maps a pen's pressure 0..1 linearly to 0.2..1 of the size", () => {
    expect(pressureFactor("pen", 0)).toBe(MIN_PRESSURE_FACTOR);
    expect(pressureFactor("pen", 0.5)).toBeCloseTo(0.6, 12);
    expect(pressureFactor("pen", 0.25)).toBeCloseTo(0.4, 12);
    expect(pressureFactor("pen", 1)).toBe(1);
  });

  it("clamps out-of-range readings", () => {
    expect(pressureFactor("pen", -0.3)).toBe(MIN_PRESSURE_FACTOR);
    expect(pressureFactor("pen", 1.7)).toBe(1);
    expect(pressureFactor("pen", Number.NaN)).toBe(1);
  });

  it("paints at full size with a mouse or a finger, whatever they report", () => {
    expect(pressureFactor("mouse", 0.5)).toBe(1);
    expect(pressureFactor("mouse", 0)).toBe(1);
    expect(pressureFactor("touch", 0.1)).toBe(1);
    expect(pressureFactor("touch", 0)).toBe(1);
  });

  it("reads the browser's pointer types, an unknown one as a mouse", () => {
    expect(pointerKind("pen")).toBe("pen");
    expect(pointerKind("touch")).toBe("touch");
    expect(pointerKind("mouse")).toBe("mouse");
    expect(pointerKind("")).toBe("mouse");
  });
});

import { describe, expect, it } from "vitest";
import { checkDimensions, checkSize, isExperimentalSize, parseSize, SIZE_PRESETS } from "@/lib/images/size-rules";

const rules = (w: number, h: number) => checkDimensions({ width: w, height: h }).map((p) => p.rule);

describe("size rules", () => {
  it("accepts auto and every preset", () => {
    expect(checkSize("auto")).toEqual([]);
    for (const preset of SIZE_PRESETS) expect(checkSize(preset), preset).toEqual([]);
  });

  it("refuses text that is not WIDTHxHEIGHT", () => {
    for (const bad of ["", "1024", "1024x", "x1024", "1024*1024", "-16x1024", "1024x1024x2", "big"]) {
      expect(checkSize(bad).map((p) => p.rule), bad).toEqual(["format"]);
    }
    expect(rules(0, 1024)).toEqual(["format"]);
    expect(rules(1024.5, 1024)).toEqual(["format"]);
  });

  it("longest edge: 3840 passes, 3856 fails", () => {
    expect(rules(3840, 1280)).toEqual([]);
    expect(rules(1280, 3840)).toEqual([]);
    expect(rules(3856, 1536)).toEqual(["edge"]);
    expect(rules(1536, 3856)).toEqual(["edge"]);
  });

  it("both edges must be multiples of 16", () => {
    expect(rules(1024, 1024)).toEqual([]);
    expect(rules(1032, 1024)).toEqual(["multiple"]);
    expect(rules(1024, 1032)).toEqual(["multiple"]);
    expect(rules(1025, 1025)).toEqual(["multiple"]);
    expect(checkSize("1000x1000")[0]?.message).toBe("Width and height must both be divisible by 16");
  });

  it("long/short ratio: exactly 3 passes, just over 3 fails", () => {
    expect(rules(2400, 800)).toEqual([]); // 3.0, 1,920,000 px
    expect(rules(800, 2400)).toEqual([]);
    expect(rules(2416, 800)).toEqual(["aspect"]); // 3.02
    expect(rules(800, 2416)).toEqual(["aspect"]);
  });

  it("total pixels: 655,360 and 8,294,400 pass; one step beyond fails", () => {
    expect(rules(1024, 640)).toEqual([]); // 655,360 exactly
    expect(rules(1008, 640)).toEqual(["min-pixels"]); // 645,120
    expect(rules(3840, 2160)).toEqual([]); // 8,294,400 exactly
    expect(rules(3840, 2176)).toEqual(["max-pixels"]); // 8,355,840
    expect(rules(2880, 2880)).toEqual([]); // 8,294,400 exactly, square
    expect(rules(2880, 2896)).toEqual(["max-pixels"]); // 8,340,480
  });

  it("reports every broken rule at once", () => {
    expect(rules(4000, 100)).toEqual(["edge", "multiple", "aspect", "min-pixels"]);
  });

  it("marks sizes above 2560x1440 as experimental", () => {
    expect(isExperimentalSize("2560x1440")).toBe(false);
    expect(isExperimentalSize("2048x2048")).toBe(true);
    expect(isExperimentalSize("3840x2160")).toBe(true);
    expect(isExperimentalSize("auto")).toBe(false);
    expect(parseSize(" 1536x1024 ")).toEqual({ width: 1536, height: 1024 });
  });
});

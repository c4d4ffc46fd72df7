import { describe, expect, it } from "vitest";
import { MaskRaster } from "@/components/mask-editor/mask-raster";
import type { Box, Point } from "@/components/mask-editor/types";

/** The row of coverage values from (x0, y) to (x1 - 1, y). */
const row = (raster: MaskRaster, y: number, x0: number, x1: number) => Array.from({ length: x1 - x0 }, (_, i) => raster.at(x0 + i, y));
const covered = (raster: MaskRaster) => raster.data.reduce((count, value) => count + (value === 255 ? 1 : 0), 0);

describe("brush strokes", () => {
  it("paints a capsule: full inside, an antialiased edge, nothing past the radius", () => {
    const raster = new MaskRaster(20, 10);
    raster.stroke({ x: 5, y: 5 }, { x: 15, y: 5 }, { radius: 3, feather: 0, erase: false });
    // Centres 0.5 from the segment: full; 2.5 away: half the one-pixel edge (127.5 rounds to 128); 3.5 away: none.
    expect(row(raster, 5, 5, 15)).toEqual(Array(10).fill(255));
    expect(row(raster, 4, 5, 15)).toEqual(Array(10).fill(255));
    expect(row(raster, 7, 5, 15)).toEqual(Array(10).fill(128));
    expect(row(raster, 2, 5, 15)).toEqual(Array(10).fill(128));
    expect(row(raster, 8, 0, 20)).toEqual(Array(20).fill(0));
    expect(row(raster, 1, 0, 20)).toEqual(Array(20).fill(0));
    // The round caps: pixel (2, 5) has its centre sqrt(2.5² + 0.5²) = 2.55 from the end, so (3 - 2.55) * 255 = 115.
    expect(raster.at(2, 5)).toBe(115);
    expect(raster.at(17, 5)).toBe(115);
    expect(raster.at(1, 5)).toBe(0);
    expect(raster.at(18, 5)).toBe(0);
  });

  it("falls off linearly over the feather's width, inside the radius", () => {
    const raster = new MaskRaster(40, 40);
    // A dot on a pixel centre: pixel (20 + k, 20) is exactly k from it.
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, { radius: 10, feather: 4, erase: false });
    expect(row(raster, 20, 20, 32)).toEqual([255, 255, 255, 255, 255, 255, 255, 191, 128, 64, 0, 0]);
    expect(row(raster, 20, 9, 21)).toEqual([0, 0, 64, 128, 191, 255, 255, 255, 255, 255, 255, 255]);
    expect(raster.at(20, 27)).toBe(191);
    expect(raster.at(20, 13)).toBe(191);
  });

  it("keeps the brush's middle full when the feather is wider than the radius", () => {
    const raster = new MaskRaster(20, 20);
    raster.stroke({ x: 10.5, y: 10.5 }, { x: 10.5, y: 10.5 }, { radius: 4, feather: 50, erase: false });
    expect(row(raster, 10, 10, 15)).toEqual([255, 191, 128, 64, 0]);
  });

  it("does not build up where segments overlap: a second pass over the same place changes nothing", () => {
    const raster = new MaskRaster(40, 40);
    const dot = { radius: 10, feather: 4, erase: false };
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, dot);
    const once = raster.data.slice();
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, dot);
    expect(raster.data).toEqual(once);
  });

  it("erases what was painted, with the same soft edge", () => {
    const raster = new MaskRaster(40, 40);
    raster.fillRect({ x: 0, y: 0 }, { x: 40, y: 40 });
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, { radius: 10, feather: 4, erase: true });
    expect(row(raster, 20, 20, 32)).toEqual([0, 0, 0, 0, 0, 0, 0, 64, 127, 191, 255, 255]);
    // Erasing never paints: on an empty mask it leaves everything empty.
    const empty = new MaskRaster(40, 40);
    empty.stroke({ x: 20.5, y: 20.5 }, { x: 30, y: 30 }, { radius: 10, feather: 4, erase: true });
    expect(empty.hasCoverage()).toBe(false);
  });

  it("clips at the edges and ignores a zero radius", () => {
    const raster = new MaskRaster(10, 10);
    expect(raster.stroke({ x: -50, y: -50 }, { x: -40, y: -40 }, { radius: 3, feather: 0, erase: false })).toBeNull();
    expect(raster.stroke({ x: 5, y: 5 }, { x: 5, y: 5 }, { radius: 0, feather: 0, erase: false })).toBeNull();
    expect(raster.stroke({ x: 0, y: 0 }, { x: 0, y: 0 }, { radius: 3, feather: 0, erase: false })).toEqual({ x: 0, y: 0, width: 3, height: 3 });
    expect(raster.at(0, 0)).toBe(255);
  });
});

describe("rectangle and lasso", () => {
  it("fills the pixels whose centres lie in the rectangle, from corners in any order", () => {
    const a = new MaskRaster(10, 10);
    expect(a.fillRect({ x: 2, y: 3 }, { x: 6, y: 5 })).toEqual({ x: 2, y: 3, width: 4, height: 2 });
    const b = new MaskRaster(10, 10);
    b.fillRect({ x: 6, y: 5 }, { x: 2, y: 3 });
    expect(b.data).toEqual(a.data);
    expect(covered(a)).toBe(8);
    expect(a.at(2, 3)).toBe(255);
    expect(a.at(5, 4)).toBe(255);
    expect(a.at(6, 4)).toBe(0);
    expect(a.at(2, 5)).toBe(0);
    // Fractional corners: centres 2.5..5.5 lie in [2.4, 5.6), only 4.5 in [3.6, 5.4).
    const c = new MaskRaster(10, 10);
    expect(c.fillRect({ x: 2.4, y: 3.6 }, { x: 5.6, y: 5.4 })).toEqual({ x: 2, y: 4, width: 4, height: 1 });
  });

  it("clips a rectangle to the image and erases with erase", () => {
    const raster = new MaskRaster(10, 10);
    expect(raster.fillRect({ x: -5, y: -5 }, { x: 3, y: 20 })).toEqual({ x: 0, y: 0, width: 3, height: 10 });
    expect(covered(raster)).toBe(30);
    raster.fillRect({ x: 0, y: 0 }, { x: 2, y: 10 }, { erase: true });
    expect(covered(raster)).toBe(10);
    expect(raster.fillRect({ x: 4, y: 4 }, { x: 4, y: 9 })).toBeNull(); // no width, no pixels
  });

  it("fills a concave polygon without its notch", () => {
    // A U open at the bottom: a 9x9 square less the 3-wide, 6-deep notch between x 3..6.
    const u: Point[] = [
      { x: 0, y: 0 },
      { x: 9, y: 0 },
      { x: 9, y: 9 },
      { x: 6, y: 9 },
      { x: 6, y: 3 },
      { x: 3, y: 3 },
      { x: 3, y: 9 },
      { x: 0, y: 9 },
    ];
    const raster = new MaskRaster(10, 10);
    raster.fillPolygon(u);
    expect(covered(raster)).toBe(81 - 18);
    expect(row(raster, 5, 0, 10)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255, 0]);
    expect(row(raster, 1, 0, 10)).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
    expect(row(raster, 9, 0, 10)).toEqual(Array(10).fill(0));
    // The same polygon wound the other way fills the same pixels.
    const reversed = new MaskRaster(10, 10);
    reversed.fillPolygon([...u].reverse());
    expect(reversed.data).toEqual(raster.data);
  });

  it("fills a self-crossing lasso by the nonzero rule, or leaves its middle by even-odd", () => {
    const star: Point[] = [0, 2, 4, 1, 3].map((k) => {
      const angle = -Math.PI / 2 + (k * 2 * Math.PI) / 5;
      return { x: 20 + 18 * Math.cos(angle), y: 20 + 18 * Math.sin(angle) };
    });
    const nonzero = new MaskRaster(40, 40);
    nonzero.fillPolygon(star);
    const evenodd = new MaskRaster(40, 40);
    evenodd.fillPolygon(star, { rule: "evenodd" });
    expect(nonzero.at(19, 19)).toBe(255);
    expect(evenodd.at(19, 19)).toBe(0);
    // A point (the top one) is inside either way.
    expect(nonzero.at(19, 6)).toBe(255);
    expect(evenodd.at(19, 6)).toBe(255);
    expect(covered(nonzero)).toBeGreaterThan(covered(evenodd));
  });

  it("erases a lasso and refuses fewer than three points", () => {
    const raster = new MaskRaster(10, 10);
    raster.fillRect({ x: 0, y: 0 }, { x: 10, y: 10 });
    raster.fillPolygon([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }], { erase: true });
    expect(raster.at(1, 1)).toBe(0);
    expect(raster.at(9, 9)).toBe(255);
    expect(raster.fillPolygon([{ x: 0, y: 0 }, { x: 5, y: 5 }])).toBeNull();
  });
});

describe("invert and clear", () => {
  it("inverts every pixel, and inverting twice gives the mask back", () => {
    const raster = new MaskRaster(40, 40);
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, { radius: 10, feather: 4, erase: false });
    const painted = raster.data.slice();
    expect(raster.invert()).toEqual({ x: 0, y: 0, width: 40, height: 40 });
    expect(row(raster, 20, 26, 31)).toEqual([0, 64, 127, 191, 255]);
    expect(raster.at(0, 0)).toBe(255);
    raster.invert();
    expect(raster.data).toEqual(painted);
  });

  it("clears only the covered box, and reports nothing to clear on an empty mask", () => {
    const raster = new MaskRaster(30, 20);
    expect(raster.clear()).toBeNull();
    raster.fillRect({ x: 3, y: 4 }, { x: 8, y: 6 });
    raster.fillRect({ x: 20, y: 10 }, { x: 25, y: 15 });
    expect(raster.contentBox()).toEqual({ x: 3, y: 4, width: 22, height: 11 });
    expect(raster.clear()).toEqual({ x: 3, y: 4, width: 22, height: 11 });
    expect(raster.hasCoverage()).toBe(false);
    expect(raster.contentBox()).toBeNull();
  });
});

describe("bounding-box-only writes", () => {
  /** A raster filled with a pattern no operation writes, watching the boxes announced before each write. */
  function watched(width: number, height: number) {
    const raster = new MaskRaster(width, height);
    for (let i = 0; i < raster.data.length; i++) raster.data[i] = 1 + (i % 5);
    const announced: Box[] = [];
    raster.beforeWrite = (box) => announced.push(box);
    return { raster, announced, pattern: raster.data.slice() };
  }
  function changedOutside(raster: MaskRaster, pattern: Uint8ClampedArray, box: Box): number {
    let count = 0;
    for (let y = 0; y < raster.height; y++) {
      for (let x = 0; x < raster.width; x++) {
        const inside = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
        if (!inside && raster.at(x, y) !== pattern[y * raster.width + x]) count++;
      }
    }
    return count;
  }

  it("announces a stroke's box before writing and changes nothing outside it", () => {
    const { raster, announced, pattern } = watched(300, 200);
    const box = raster.stroke({ x: 100.2, y: 50.7 }, { x: 140.9, y: 80.1 }, { radius: 12, feather: 5, erase: false });
    expect(box).toEqual({ x: 88, y: 38, width: 65, height: 55 });
    expect(announced).toEqual([box]);
    expect(changedOutside(raster, pattern, box!)).toBe(0);
    expect(raster.at(120, 65)).toBe(255);
  });

  it("does the same for a rectangle, a lasso, an eraser stroke and clear", () => {
    const ops: ((raster: MaskRaster) => Box | null)[] = [
      (r) => r.fillRect({ x: 10, y: 20 }, { x: 40, y: 30 }),
      (r) => r.fillPolygon([{ x: 50, y: 50 }, { x: 90, y: 60 }, { x: 60, y: 95 }]),
      (r) => r.stroke({ x: 30, y: 30 }, { x: 60, y: 30 }, { radius: 6, feather: 2, erase: true }),
    ];
    for (const op of ops) {
      const { raster, announced, pattern } = watched(120, 100);
      const box = op(raster);
      expect(box).not.toBeNull();
      expect(announced).toEqual([box]);
      expect(box!.width * box!.height).toBeLessThan(120 * 100 / 4);
      expect(changedOutside(raster, pattern, box!)).toBe(0);
    }
    const cleared = new MaskRaster(120, 100);
    cleared.fillRect({ x: 10, y: 20 }, { x: 40, y: 30 });
    const announced: Box[] = [];
    cleared.beforeWrite = (box) => announced.push(box);
    expect(cleared.clear()).toEqual({ x: 10, y: 20, width: 30, height: 10 });
    expect(announced).toEqual([{ x: 10, y: 20, width: 30, height: 10 }]);
  });

  it("reads and writes a box's bytes row by row", () => {
    const raster = new MaskRaster(8, 6);
    raster.fillRect({ x: 2, y: 1 }, { x: 4, y: 3 });
    const box = { x: 1, y: 1, width: 4, height: 2 };
    expect(Array.from(raster.readBox(box))).toEqual([0, 255, 255, 0, 0, 255, 255, 0]);
    raster.writeBox(box, new Uint8ClampedArray([9, 9, 9, 9, 8, 8, 8, 8]));
    expect(row(raster, 1, 0, 8)).toEqual([0, 9, 9, 9, 9, 0, 0, 0]);
    expect(row(raster, 2, 0, 8)).toEqual([0, 8, 8, 8, 8, 0, 0, 0]);
  });

  it("refuses a size that is not whole positive pixels", () => {
    expect(() => new MaskRaster(0, 10)).toThrow(RangeError);
    expect(() => new MaskRaster(10.5, 10)).toThrow(RangeError);
  });
});

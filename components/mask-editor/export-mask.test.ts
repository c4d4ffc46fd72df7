import { describe, expect, it } from "vitest";
import { exportMaskPng, maskToRgba } from "@/components/mask-editor/export-mask";
import { MaskRaster } from "@/components/mask-editor/mask-raster";

const alphaAt = (rgba: Uint8ClampedArray, width: number, x: number, y: number) => rgba[(y * width + x) * 4 + 3];

describe("mask export", () => {
  it("is RGBA at exactly the image's pixel size, black throughout", () => {
    const raster = new MaskRaster(37, 23);
    raster.fillRect({ x: 5, y: 5 }, { x: 20, y: 15 });
    const rgba = maskToRgba(raster);
    expect(rgba.length).toBe(37 * 23 * 4);
    for (let i = 0; i < rgba.length; i += 4) expect([rgba[i], rgba[i + 1], rgba[i + 2]]).toEqual([0, 0, 0]);
  });

  it("makes painted pixels transparent, untouched ones opaque and the feather in between", () => {
    const raster = new MaskRaster(40, 40);
    raster.stroke({ x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, { radius: 10, feather: 4, erase: false });
    const rgba = maskToRgba(raster);
    const alphas = Array.from({ length: 12 }, (_, k) => alphaAt(rgba, 40, 20 + k, 20));
    expect(alphas).toEqual([0, 0, 0, 0, 0, 0, 0, 64, 127, 191, 255, 255]);
    expect(alphaAt(rgba, 40, 0, 0)).toBe(255);
    expect(alphaAt(rgba, 40, 39, 39)).toBe(255);
  });

  it("exports a rectangle and a lasso as transparent regions with hard edges", () => {
    const raster = new MaskRaster(20, 20);
    raster.fillRect({ x: 0, y: 0 }, { x: 5, y: 5 });
    raster.fillPolygon([{ x: 10, y: 10 }, { x: 20, y: 10 }, { x: 20, y: 20 }, { x: 15, y: 12 }]);
    const rgba = maskToRgba(raster);
    expect(alphaAt(rgba, 20, 4, 4)).toBe(0);
    expect(alphaAt(rgba, 20, 5, 4)).toBe(255);
    expect(alphaAt(rgba, 20, 18, 11)).toBe(0);
    expect(alphaAt(rgba, 20, 15, 16)).toBe(255); // in the lasso's concave bite
    let transparent = 0;
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i] === 0) transparent++;
    expect(transparent).toBe(raster.data.filter((value) => value === 255).length);
  });

  it("reflects invert and clear", () => {
    const raster = new MaskRaster(10, 10);
    raster.fillRect({ x: 0, y: 0 }, { x: 3, y: 10 });
    raster.invert();
    let rgba = maskToRgba(raster);
    expect(alphaAt(rgba, 10, 1, 1)).toBe(255); // painted, then inverted: protected
    expect(alphaAt(rgba, 10, 7, 7)).toBe(0); // untouched, then inverted: editable
    raster.clear();
    rgba = maskToRgba(raster);
    for (let i = 3; i < rgba.length; i += 4) expect(rgba[i]).toBe(255);
  });

  it("gives no PNG at all when nothing is painted", async () => {
    const raster = new MaskRaster(10, 10);
    expect(await exportMaskPng(raster)).toBeNull();
    raster.fillRect({ x: 0, y: 0 }, { x: 10, y: 10 });
    raster.clear();
    expect(await exportMaskPng(raster)).toBeNull();
  });
});

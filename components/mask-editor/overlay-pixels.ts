import type { MaskRaster } from "@/components/mask-editor/mask-raster";
import type { Box } from "@/components/mask-editor/types";

export type Rgb = { r: number; g: number; b: number };

/** "#rrggbb" (what a colour input gives) as numbers; anything else falls back to the default red. */
export function parseHexColour(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return { r: 239, g: 68, b: 68 };
  return { r: parseInt(match[1]!, 16), g: parseInt(match[2]!, 16), b: parseInt(match[3]!, 16) };
}

/**
 * The overlay's pixels for one box of the mask: the overlay colour, its alpha the coverage. The
 * layer's opacity is the canvas's CSS opacity, so changing it repaints nothing.
 */
export function overlayPixels(raster: MaskRaster, box: Box, colour: Rgb): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(box.width * box.height * 4);
  const { data, width } = raster;
  let o = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    const row = y * width;
    for (let x = box.x; x < box.x + box.width; x++) {
      out[o] = colour.r;
      out[o + 1] = colour.g;
      out[o + 2] = colour.b;
      out[o + 3] = data[row + x]!;
      o += 4;
    }
  }
  return out;
}

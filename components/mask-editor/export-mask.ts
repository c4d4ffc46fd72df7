import type { MaskRaster } from "@/components/mask-editor/mask-raster";

/**
 * The mask as the edits endpoint reads it: RGBA at the image's size, alpha 0 where the person
 * painted (the model may change it), 255 where nothing was, the feather in between. RGB stays 0:
 * a canvas keeps pixels premultiplied, and black is the one colour that survives that exactly at
 * every alpha, so the PNG holds the very alpha computed here.
 */
export function maskToRgba(raster: Pick<MaskRaster, "data" | "width" | "height">): Uint8ClampedArray<ArrayBuffer> {
  const { data } = raster;
  const rgba = new Uint8ClampedArray(raster.width * raster.height * 4);
  for (let i = 0; i < data.length; i++) rgba[i * 4 + 3] = 255 - data[i]!;
  return rgba;
}

/** The PNG the page sends as `mask`, or null when nothing is painted (an edit then goes without a mask). */
export async function exportMaskPng(raster: MaskRaster): Promise<Blob | null> {
  if (!raster.hasCoverage()) return null;
  const started = performance.now();
  const png = await encodePng(new ImageData(maskToRgba(raster), raster.width, raster.height));
  performance.measure("mask:export", { start: started }); // what bench:mask reads
  return png;
}

/** Browser only: an OffscreenCanvas where there is one (no DOM node, no layout), else a detached canvas. */
export async function encodePng(pixels: ImageData): Promise<Blob> {
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(pixels.width, pixels.height);
    const context = canvas.getContext("2d");
    if (context) {
      context.putImageData(pixels, 0, 0);
      return canvas.convertToBlob({ type: "image/png" });
    }
  }
  const canvas = document.createElement("canvas");
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("this browser gives no 2D canvas to encode the mask with");
  context.putImageData(pixels, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the mask as PNG"))), "image/png"),
  );
}

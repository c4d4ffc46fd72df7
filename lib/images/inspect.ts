import { imageSize } from "image-size";
import sharp from "sharp";

/** What the bytes really are, read from their content (never from a name or a claim). */
export type ImageFacts = { format: "png" | "jpeg" | "webp"; width: number; height: number };

const FORMATS: Record<string, ImageFacts["format"]> = { png: "png", jpg: "jpeg", webp: "webp" };

export class NotAnImageError extends Error {}

/**
 * Reads format and pixel size from the image's own header (image-size: pure JavaScript, no
 * thread-pool hop, so a partial preview is not held up on its way to the browser).
 */
export function inspectImage(bytes: Uint8Array): ImageFacts {
  let found: { type?: string; width?: number; height?: number };
  try {
    found = imageSize(bytes);
  } catch (error) {
    throw new NotAnImageError(`The bytes are not a readable image (${(error as Error).message})`);
  }
  const format = found.type ? FORMATS[found.type] : undefined;
  if (!format || !found.width || !found.height) {
    throw new NotAnImageError(`Expected a png, jpeg or webp image, got ${found.type ?? "unknown data"}`);
  }
  return { format, width: found.width, height: found.height };
}

export const THUMB_EDGE = 384;

/** A WebP thumbnail that fits in THUMB_EDGE x THUMB_EDGE, for history grids and result strips; from bytes or a file. */
export async function makeThumbnail(image: Uint8Array | string): Promise<Buffer> {
  return sharp(image, { sequentialRead: true }).resize(THUMB_EDGE, THUMB_EDGE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
}

/**
 * Partials above this many pixels reach the browser as a WebP copy that fits PREVIEW_EDGE: a
 * 3840x2160 PNG took Chromium some 60 ms to decode and paint here, more to fetch, while the copy
 * costs the server 25-90 ms and the browser a few (bench:click). Below it the original goes.
 */
export const PREVIEW_ABOVE_PIXELS = 2_400_000;
export const PREVIEW_EDGE = 1600;

export function needsPreview(facts: Pick<ImageFacts, "width" | "height">): boolean {
  return facts.width * facts.height > PREVIEW_ABOVE_PIXELS;
}

export async function makePreview(image: Uint8Array | string): Promise<Buffer> {
  return sharp(image, { sequentialRead: true }).resize(PREVIEW_EDGE, PREVIEW_EDGE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 75, effort: 0 }).toBuffer();
}

export function mimeOf(format: string): string {
  return format === "jpeg" ? "image/jpeg" : format === "webp" ? "image/webp" : "image/png";
}

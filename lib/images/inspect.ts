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
 * Partials heavier than this reach the browser as a WebP copy that fits PREVIEW_EDGE: a 3 MB PNG
 * took Chromium some 50 ms to fetch (a 24 MB one 250 ms) and a 4K one 60 ms or more to decode,
 * while the copy costs the server 15-90 ms beside the event and the browser a few (bench:click).
 * A light partial goes as it is: its copy would cost about what it saves.
 */
export const PREVIEW_ABOVE_BYTES = 1024 * 1024;
export const PREVIEW_EDGE = 1600;

export function needsPreview(image: { bytes: number }): boolean {
  return image.bytes > PREVIEW_ABOVE_BYTES;
}

export async function makePreview(image: Uint8Array | string): Promise<Buffer> {
  return sharp(image, { sequentialRead: true }).resize(PREVIEW_EDGE, PREVIEW_EDGE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 75, effort: 0 }).toBuffer();
}

export function mimeOf(format: string): string {
  return format === "jpeg" ? "image/jpeg" : format === "webp" ? "image/webp" : "image/png";
}

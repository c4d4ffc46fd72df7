import sharp from "sharp";

/** What the bytes really are, read from their content (never from a name or a claim). */
export type ImageFacts = { format: "png" | "jpeg" | "webp"; width: number; height: number; hasAlpha: boolean };

const FORMATS = new Set(["png", "jpeg", "webp"]);

export class NotAnImageError extends Error {}

export async function inspectImage(bytes: Uint8Array): Promise<ImageFacts> {
  const meta = await sharp(bytes)
    .metadata()
    .catch((error: unknown) => {
      throw new NotAnImageError(`The bytes are not a readable image (${(error as Error).message})`);
    });
  const { format, width, height } = meta;
  if (!format || !FORMATS.has(format) || !width || !height) {
    throw new NotAnImageError(`Expected a png, jpeg or webp image, got ${format ?? "unknown data"}`);
  }
  return { format: format as ImageFacts["format"], width, height, hasAlpha: meta.hasAlpha ?? false };
}

export const THUMB_EDGE = 384;

/** A WebP thumbnail that fits in THUMB_EDGE x THUMB_EDGE, for history grids and result strips. */
export async function makeThumbnail(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes).resize(THUMB_EDGE, THUMB_EDGE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
}

export function mimeOf(format: string): string {
  return format === "jpeg" ? "image/jpeg" : format === "webp" ? "image/webp" : "image/png";
}

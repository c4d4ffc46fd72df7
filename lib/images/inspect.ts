import "server-only";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
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

/**
 * A PNG's last chunk, IEND, whole: libpng decodes every pixel of a PNG cut anywhere inside this
 * chunk without a complaint. A JPEG's end-of-image marker, which libjpeg does not require either
 * (a JPEG cut right after its last scan, or with a zeroed tail that still parses as entropy data,
 * decodes). WebP has neither: its RIFF size catches a cut, and nothing in JPEG or WebP catches
 * flipped bytes or a hole in the middle (no checksums), as PNG's CRCs do.
 */
const END_MARKERS: Record<ImageFacts["format"], { bytes: Buffer; name: string } | null> = {
  png: { bytes: Buffer.from("0000000049454e44ae426082", "hex"), name: "IEND" },
  jpeg: { bytes: Buffer.from("ffd9", "hex"), name: "FF D9" },
  webp: null,
};
const LONGEST_END_MARKER = 12;

/**
 * Decodes every pixel and checks the format's end marker, so data cut short or damaged is refused,
 * not stored as a broken picture. The size is the decoder's own. `image` is the picture's file, or
 * its bytes.
 */
export async function decodeImage(image: string | Uint8Array): Promise<ImageFacts> {
  const tail = lastBytes(image, LONGEST_END_MARKER);
  if (tail.length === 0) throw new NotAnImageError("the image data is empty");
  const header = await decodersHeader(image);
  await verifyDecodes(image, header, tail);
  return header;
}

/**
 * The decode itself, also on the job's path, where the header was read already (image-size, the
 * same header libvips reads) and the last bytes kept as they streamed: no second look at the
 * header and no extra read of the file before a partial can go to the browser.
 *
 * A PNG is read row after row: its last row is reached only through all the others, and taking
 * just that row skips the shrinking (about 15% of the time at 4K). Other formats are shrunk to
 * 16x16 on the way, which still reads all of the data (JPEG's shrink-on-load too) at a few
 * milliseconds, where a full-size decode costs several times more. failOn "truncated", not
 * "warning": that caught one more case here (a JPEG cut and given back its end marker, and only
 * when cut early), at the risk of refusing pictures that are fine over a decoder's remark.
 */
export async function verifyDecodes(image: string | Uint8Array, header: ImageFacts, tail: Buffer): Promise<void> {
  try {
    const decoder = sharp(image, { failOn: "truncated", sequentialRead: true });
    if (header.format === "png") await decoder.extract({ left: 0, top: header.height - 1, width: 1, height: 1 }).raw().toBuffer();
    else await decoder.resize(16, 16, { fit: "fill" }).raw().toBuffer();
  } catch (error) {
    throw new NotAnImageError(decodeFailure(error));
  }
  checkEnd(header.format, tail);
}

function checkEnd(format: ImageFacts["format"], tail: Buffer): void {
  const end = END_MARKERS[format];
  if (end && !tail.subarray(-end.bytes.length).equals(end.bytes)) {
    throw new NotAnImageError(`the ${format.toUpperCase()} does not end with its end marker (${end.name}): the data was cut short or overwritten`);
  }
}

/** The format and size as libvips reads them, refusing what is no png, jpeg or webp. */
async function decodersHeader(image: string | Uint8Array): Promise<ImageFacts> {
  try {
    const header = await sharp(image).metadata();
    const format = header.format === "jpeg" || header.format === "png" || header.format === "webp" ? header.format : undefined;
    if (!format) throw new NotAnImageError(`it is ${header.format ?? "an unknown kind of"} data, not a png, jpeg or webp image`);
    return { format, width: header.width, height: header.height };
  } catch (error) {
    throw error instanceof NotAnImageError ? error : new NotAnImageError(decodeFailure(error));
  }
}

/** libvips' words, led by what they mean for the picture. */
function decodeFailure(error: unknown): string {
  const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.trim() ?? "";
  if (/is empty|is missing/i.test(detail)) return "the image data is empty";
  if (/unsupported image format/i.test(detail)) return "the data is not a png, jpeg or webp image";
  if (/corrupt header/i.test(detail)) return `its header is damaged or incomplete (${detail})`;
  return `its picture data is damaged or cut short (${detail})`;
}

/** The last `count` bytes, read without reading the file: a 4K picture weighs some 25 MB. */
function lastBytes(image: string | Uint8Array, count: number): Buffer {
  if (typeof image !== "string") return Buffer.from(image.subarray(Math.max(0, image.length - count)));
  const fd = openSync(image, "r");
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(count, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail;
  } finally {
    closeSync(fd);
  }
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

import "server-only";
import sharp from "sharp";
import { ApiError } from "@/lib/errors";

/** An uploaded file known to be a whole PNG, JPEG or WebP picture within the limits below. */
export type CheckedUpload = {
  bytes: Buffer;
  format: "png" | "jpeg" | "webp";
  width: number;
  height: number;
  hasAlpha: boolean;
  name: string;
};

export type UploadRole = "image" | "reference" | "mask";

/** The gateway contract's per-file limit for `/v1/images/edits`. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/**
 * Far above any size the model takes (8.3 MP), so every real photo passes, while a file declaring
 * 20000x20000 (a "decompression bomb": a few kB that would inflate to over a gigabyte) is refused
 * from its header, before anything is decoded.
 */
export const MAX_UPLOAD_PIXELS = 40_000_000;

type Format = CheckedUpload["format"];

/** The form field a role's file arrives in, named in the error so a script knows which part to fix. */
export function uploadField(role: UploadRole): "image[]" | "mask" {
  return role === "mask" ? "mask" : "image[]";
}

export function uploadError(role: UploadRole, name: string, problem: string): ApiError {
  return new ApiError(422, "invalid_upload", `${name}: ${problem}`, uploadField(role));
}

/**
 * Checks an upload by its content, cheapest test first, so nothing costly runs on a file a cheap
 * test refuses: length, magic bytes, the header's declared size, and only then a full decode.
 * Throws ApiError 422 `invalid_upload` naming the file and the problem.
 */
export async function checkUpload(bytes: Buffer, name: string, role: UploadRole): Promise<CheckedUpload> {
  const label = displayName(name, role);
  const refuse = (problem: string) => uploadError(role, label, problem);
  if (bytes.length === 0) throw refuse("the file is empty");
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw refuse(`the file is ${megabytes(bytes.length)} MB; at most ${megabytes(MAX_UPLOAD_BYTES)} MB is accepted`);
  }
  const format = sniffFormat(bytes);
  if (!format) throw refuse(notAnImage(bytes));

  const header = await readHeader(bytes).catch((error: unknown) => {
    throw refuse(`its header is damaged or incomplete (${firstLine(error)})`);
  });
  if (header.format !== format) throw refuse(`its content starts like a ${format.toUpperCase()} but is not one`);
  const { width, height } = header;
  if (width * height > MAX_UPLOAD_PIXELS) {
    throw refuse(
      `it declares ${width}x${height} (${megapixels(width * height)} megapixels); at most ${megapixels(MAX_UPLOAD_PIXELS)} megapixels are accepted`,
    );
  }
  if (header.pages > 1) throw refuse(`an animated ${format.toUpperCase()} (${header.pages} frames); send a still picture`);

  await decodeAll(bytes, format, height).catch((error: unknown) => {
    throw refuse(`the picture data is damaged or cut short (${firstLine(error)})`);
  });
  return { bytes, format, width, height, hasAlpha: header.hasAlpha, name: label };
}

/** Magic bytes: what the content is, whatever the name or the browser's content type claims. */
export function sniffFormat(bytes: Uint8Array): Format | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "webp";
  return null;
}

/** Names what the file is instead, so the person knows what they sent. */
function notAnImage(bytes: Uint8Array): string {
  const other = otherImageKind(bytes);
  if (other) return `a ${other} image; only PNG, JPEG and WebP are accepted`;
  return `not an image (its content is ${looksLikeText(bytes) ? "text" : "unknown"})`;
}

function otherImageKind(bytes: Uint8Array): string | null {
  if (ascii(bytes, 0, 4) === "GIF8") return "GIF";
  if (ascii(bytes, 0, 2) === "BM") return "BMP";
  if (ascii(bytes, 0, 4) === "II*\0" || ascii(bytes, 0, 4) === "MM\0*") return "TIFF";
  const brand = ascii(bytes, 4, 12);
  if (brand.startsWith("ftyp")) {
    if (/^ftyp(avif|avis)/.test(brand)) return "AVIF";
    if (/^ftyp(heic|heix|hevc|mif1|msf1)/.test(brand)) return "HEIC";
  }
  return null;
}

/** No NUL byte and almost no control characters in the first kilobyte: text (UTF-8 included). */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++;
  }
  return control <= head.length / 50;
}

type Header = { format: string; width: number; height: number; hasAlpha: boolean; pages: number };

/**
 * libvips reads the header only here, never the pixels, so a bomb costs nothing yet. Its own pixel
 * limit is lifted for this read so the size a bomb declares can be told (the decode keeps a limit).
 */
async function readHeader(bytes: Buffer): Promise<Header> {
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  return { format: metadata.format, width: metadata.width, height: metadata.height, hasAlpha: metadata.hasAlpha, pages: metadata.pages ?? 1 };
}

/**
 * Decodes every pixel, failing on a truncated or damaged file (`failOn: "error"` covers both),
 * with libvips' own pixel limit behind the header check above. Nothing large is kept: a PNG is
 * read row after row to its last row (taking just that row), other formats are shrunk to 16x16
 * on the way, which still reads all their data (see lib/images/inspect.ts: verifyDecodes).
 */
async function decodeAll(bytes: Buffer, format: Format, height: number): Promise<void> {
  const decoder = sharp(bytes, { failOn: "error", limitInputPixels: MAX_UPLOAD_PIXELS, sequentialRead: true });
  if (format === "png") await decoder.extract({ left: 0, top: height - 1, width: 1, height: 1 }).raw().toBuffer();
  else await decoder.resize(16, 16, { fit: "fill" }).raw().toBuffer();
}

/** The name as sent, without control characters and kept short; a default when there is none. */
function displayName(name: string, role: UploadRole): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (!clean) return role === "mask" ? "mask" : role;
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]?.trim() ?? "";
}

function megabytes(length: number): string {
  const value = length / (1024 * 1024);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function megapixels(pixels: number): string {
  const value = pixels / 1_000_000;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

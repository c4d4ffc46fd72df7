/**
 * Images sent inline to /v1/responses as data URLs (`input_image.image_url`, the tool's
 * `input_image_mask.image_url`): decoded and checked by content as the edits endpoint checks
 * uploads, and summarised for the request log so tests can see exactly which pictures were resent.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { invalidRequest } from "./errors";
import { inspectImage, transparentShare, type InputImage } from "./multipart";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Decoded = { mime: string; bytes: Buffer };

/** A `data:<mime>;base64,<data>` URL's bytes; null for anything else (another scheme, not base64, bad base64). */
function decode(url: string): Decoded | null {
  if (!url.startsWith("data:")) return null;
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const header = url.slice(5, comma).split(";");
  if (header.at(-1)?.toLowerCase() !== "base64") return null;
  const data = url.slice(comma + 1);
  if (data.length % 4 === 1 || !BASE64.test(data)) return null;
  return { mime: header[0] || "untyped", bytes: Buffer.from(data, "base64") };
}

/** The image a data URL holds, or a 400 naming `param` (the simulator fetches no URLs and has no Files API). */
export async function readDataUrl(url: string, param: string): Promise<InputImage> {
  if (/^https?:\/\//i.test(url)) {
    throw invalidRequest(
      `Invalid '${param}': the simulator does not fetch image URLs; send the image inline as a data URL (data:image/png;base64,...).`,
      param,
      "invalid_value",
    );
  }
  const decoded = decode(url);
  if (!decoded) {
    throw invalidRequest(
      `Invalid '${param}': expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,iVBORw0...').`,
      param,
      "invalid_image_url",
    );
  }
  return inspectImage(decoded.bytes, `${decoded.mime} data URL`, param);
}

/** An input image as the request log shows it; nulls when the URL holds no image the simulator reads. */
export type ImageLog = { width: number | null; height: number | null; format: string | null; sha256: string | null };

/** A mask as the request log shows it: `alpha` is whether it has an alpha channel, `transparentShare` the share of alpha-0 pixels. */
export type MaskLog = { width: number | null; height: number | null; alpha: boolean | null; transparentShare: number | null };

async function metadataOf(url: unknown) {
  const decoded = typeof url === "string" ? decode(url) : null;
  if (!decoded) return { decoded: null, metadata: undefined };
  return { decoded, metadata: await sharp(decoded.bytes).metadata().catch(() => undefined) };
}

/** Never throws: the log is written before the request is validated. */
export async function describeImageUrl(url: unknown): Promise<ImageLog> {
  const { decoded, metadata } = await metadataOf(url);
  return {
    width: metadata?.width ?? null,
    height: metadata?.height ?? null,
    format: metadata?.format ?? null,
    sha256: decoded ? createHash("sha256").update(decoded.bytes).digest("hex") : null,
  };
}

export async function describeMaskUrl(url: unknown): Promise<MaskLog> {
  const { decoded, metadata } = await metadataOf(url);
  const share = decoded && metadata?.hasAlpha ? await transparentShare(decoded.bytes) : undefined;
  return { width: metadata?.width ?? null, height: metadata?.height ?? null, alpha: metadata?.hasAlpha ?? null, transparentShare: share ?? null };
}

/** A data URL shortened for the log (the bytes are described beside it). */
export function shortUrl(url: string): string {
  return url.length <= 80 ? url : `${url.slice(0, 48)}… (${url.length} chars)`;
}

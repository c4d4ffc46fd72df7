import "server-only";
import sharp from "sharp";

/**
 * The mask-fidelity guard. Gateways and the model itself have been seen to ignore a mask and repaint
 * the whole picture (sub2api #6273, #2251), so after a masked edit the studio measures how much the
 * result changed where the mask protected it, and can put the source back there.
 */

/** Above this share of changed protected pixels a result is flagged. */
export const FIDELITY_FLAG_SHARE = 0.05;
/** Mask alpha from which a pixel counts as protected: the feather's outer edge is left out. */
export const PROTECTED_ALPHA = 250;
/**
 * A protected pixel counts as changed when a channel moved more than this: above what a re-encode
 * (JPEG at the usual qualities, WebP) or a resize to and from the model's size moves a pixel, below
 * any repaint a person would notice.
 */
export const CHANGE_TOLERANCE = 24;

export type Fidelity = { changedShare: number; meanAbsDiff: number; protectedPixels: number };

type Planes = { source: Buffer; result: Buffer; alpha: Buffer; pixels: number; width: number; height: number };

/**
 * The planes measureFidelity decoded, kept for a compositeProtected of the same three buffers that
 * usually follows it (a 4K pair decodes in some 200 ms): keyed weakly by the result, dropped when
 * the composite takes them.
 */
const decoded = new WeakMap<Buffer, { source: Buffer; mask: Buffer; planes: Promise<Planes> }>();

function planesOnce(source: Buffer, result: Buffer, mask: Buffer, keep: boolean): Promise<Planes> {
  const kept = decoded.get(result);
  decoded.delete(result);
  if (kept && kept.source === source && kept.mask === mask) return kept.planes;
  const fresh = planes(source, result, mask);
  if (keep) decoded.set(result, { source, mask, planes: fresh });
  return fresh;
}

/**
 * Source, result and mask as raw planes at the source's size: RGB for the pictures (alpha dropped,
 * greyscale widened to sRGB), one byte of mask alpha per pixel. The three decode at once.
 */
async function planes(sourceBytes: Buffer, resultBytes: Buffer, maskBytes: Buffer): Promise<Planes> {
  const { data: source, info } = await sharp(sourceBytes).toColourspace("srgb").removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const [result, alpha] = await Promise.all([
    sharp(resultBytes).resize(width, height, { fit: "fill" }).toColourspace("srgb").removeAlpha().raw().toBuffer(),
    sharp(maskBytes).resize(width, height, { fit: "fill", kernel: "linear" }).toColourspace("srgb").ensureAlpha().extractChannel(3).raw().toBuffer(),
  ]);
  return { source, result, alpha, pixels: width * height, width, height };
}

/**
 * Over the protected pixels (mask alpha ≥ PROTECTED_ALPHA): the share whose largest channel
 * difference passes CHANGE_TOLERANCE, and the mean absolute difference per channel (0..255).
 * One pass over the raw buffers, nothing allocated per pixel: a 4K picture takes some tens of ms
 * beyond its decode.
 */
export async function measureFidelity(source: Buffer, result: Buffer, mask: Buffer): Promise<Fidelity> {
  const p = await planesOnce(source, result, mask, true);
  let protectedPixels = 0;
  let changed = 0;
  let sum = 0;
  for (let pixel = 0, at = 0; pixel < p.pixels; pixel++, at += 3) {
    if (p.alpha[pixel]! < PROTECTED_ALPHA) continue;
    protectedPixels++;
    const r = Math.abs(p.source[at]! - p.result[at]!);
    const g = Math.abs(p.source[at + 1]! - p.result[at + 1]!);
    const b = Math.abs(p.source[at + 2]! - p.result[at + 2]!);
    sum += r + g + b;
    if (r > CHANGE_TOLERANCE || g > CHANGE_TOLERANCE || b > CHANGE_TOLERANCE) changed++;
  }
  if (protectedPixels === 0) return { changedShare: 0, meanAbsDiff: 0, protectedPixels: 0 };
  return { changedShare: changed / protectedPixels, meanAbsDiff: sum / (protectedPixels * 3), protectedPixels };
}

export function isFlagged(fidelity: Pick<Fidelity, "changedShare">): boolean {
  return fidelity.changedShare > FIDELITY_FLAG_SHARE;
}

/**
 * The source over the result where the mask is opaque, the result where it is transparent, blended
 * by the mask's alpha in between (the feather), at the source's size. Blended here rather than with
 * sharp's composite, which premultiplies and can round a protected pixel by one: in PNG the
 * protected pixels come out exactly the source's. JPEG and WebP are encoded at quality 95.
 */
export async function compositeProtected(source: Buffer, result: Buffer, mask: Buffer, format: "png" | "jpeg" | "webp"): Promise<Buffer> {
  const p = await planesOnce(source, result, mask, false);
  const out = Buffer.allocUnsafe(p.pixels * 3);
  for (let pixel = 0, at = 0; pixel < p.pixels; pixel++, at += 3) {
    const keep = p.alpha[pixel]!;
    const from = keep === 255 ? p.source : keep === 0 ? p.result : null;
    if (from) {
      out[at] = from[at]!;
      out[at + 1] = from[at + 1]!;
      out[at + 2] = from[at + 2]!;
      continue;
    }
    const take = 255 - keep;
    out[at] = (p.source[at]! * keep + p.result[at]! * take + 127) / 255;
    out[at + 1] = (p.source[at + 1]! * keep + p.result[at + 1]! * take + 127) / 255;
    out[at + 2] = (p.source[at + 2]! * keep + p.result[at + 2]! * take + 127) / 255;
  }
  const image = sharp(out, { raw: { width: p.width, height: p.height, channels: 3 } });
  if (format === "png") return image.png().toBuffer();
  if (format === "jpeg") return image.jpeg({ quality: 95 }).toBuffer();
  return image.webp({ quality: 95 }).toBuffer();
}

import "server-only";
import sharp from "sharp";
import { checkDimensions, formatSize, SIZE_LIMITS, type Dimensions } from "@/lib/images/size-rules";
import { uploadError, type CheckedUpload } from "@/lib/uploads/check-image";

/** The gateway contract: up to 16 `image[]` parts, the edited one and 15 references. */
export const MAX_EDIT_IMAGES = 16;

/**
 * The long edge an image over the size rules' maximum is brought to: the largest edge of the common
 * fast sizes (2048x2048, 2048x1152), where the rules' own maximum (3840) is "experimental" — slow,
 * costly and failing more often — and a bigger input buys an edit little.
 */
export const DOWNSCALE_EDGE = 2048;

export type PreparedEdit = { images: CheckedUpload[]; mask?: CheckedUpload; notices: string[] };

type Fit = { kind: "fits" } | { kind: "resize"; to: Dimensions } | { kind: "refuse"; problem: string };

/**
 * Makes checked uploads into what the edits endpoint takes: the first image within the size rules
 * (resized, its mask alike), the mask a PNG with alpha at exactly its size, the first image in the
 * mask's format. Each change is told in `notices`; what cannot be fixed is a 422 naming the field.
 */
export async function prepareEdit(input: { images: CheckedUpload[]; mask?: CheckedUpload }): Promise<PreparedEdit> {
  const [first, ...references] = input.images;
  if (!first) throw uploadError("image", "image[]", "an edit needs at least one image");
  if (input.images.length > MAX_EDIT_IMAGES) {
    throw uploadError(
      "image",
      "image[]",
      `${input.images.length} images were sent; at most ${MAX_EDIT_IMAGES} are accepted (the edited one and ${MAX_EDIT_IMAGES - 1} references)`,
    );
  }
  const notices: string[] = [];
  const { mask } = input;
  if (mask) checkMaskFormat(mask);

  const original = await uprightSize(first);
  const fit = fitToSizeRules(original);
  if (fit.kind === "refuse") throw uploadError("image", first.name, fit.problem);
  const target = fit.kind === "resize" ? fit.to : original;
  const preparedMask = mask ? await fitMask(mask, first.name, original, target) : undefined;

  const preparedFirst = await transform(first, {
    orient: original.rotated,
    resize: fit.kind === "resize" ? target : undefined,
    // The contract: the first image in the mask's format, so a masked JPEG or WebP goes as PNG.
    format: mask ? "png" : first.format,
  });
  if (original.rotated) notices.push(`${first.name} was turned upright (its EXIF orientation)`);
  if (fit.kind === "resize") {
    const alike = mask && preparedMask !== mask ? ", its mask resized alike" : "";
    notices.push(`${first.name} was ${formatSize(original)}; sent as ${formatSize(target)} (the size rules)${alike}`);
  }
  if (mask && first.format !== "png") notices.push(`${first.name} was sent as PNG, the mask's format`);

  const preparedReferences = await Promise.all(references.map((reference) => prepareReference(reference, notices)));
  return { images: [preparedFirst, ...preparedReferences], mask: preparedMask, notices };
}

/**
 * How the first image meets the size rules: as it is, resized, or not at all (an aspect ratio past
 * the limit, which no resize can fix without distorting the picture).
 */
export function fitToSizeRules(size: Dimensions): Fit {
  if (checkDimensions(size).length === 0) return { kind: "fits" };
  const { width, height } = size;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long / short > SIZE_LIMITS.maxAspect) {
    return {
      kind: "refuse",
      problem: `${formatSize(size)} is ${(long / short).toFixed(2)}:1, and the size rules allow at most ${SIZE_LIMITS.maxAspect}:1; crop it first`,
    };
  }
  const pixels = width * height;
  const scale =
    long > SIZE_LIMITS.maxEdge || pixels > SIZE_LIMITS.maxPixels
      ? DOWNSCALE_EDGE / long
      : pixels < SIZE_LIMITS.minPixels
        ? Math.sqrt(SIZE_LIMITS.minPixels / pixels)
        : 1;
  const to = nearestOnGrid({ width: width * scale, height: height * scale }, width / height);
  return to ? { kind: "resize", to } : { kind: "refuse", problem: `${formatSize(size)} cannot be brought within the size rules` };
}

/**
 * Of the sizes on the 16 px grid around the scaled one (each edge rounded down, to nearest or up),
 * the valid one whose aspect ratio strays least, so the picture (and its mask) is barely stretched.
 */
function nearestOnGrid(scaled: Dimensions, aspect: number): Dimensions | null {
  const { multiple } = SIZE_LIMITS;
  const onGrid = (edge: number) => [Math.floor, Math.round, Math.ceil].map((step) => Math.max(multiple, step(edge / multiple) * multiple));
  const candidates = onGrid(scaled.width).flatMap((width) => onGrid(scaled.height).map((height) => ({ width, height })));
  const stray = ({ width, height }: Dimensions) =>
    Math.abs(Math.log(width / height / aspect)) + Math.abs(Math.log((width * height) / (scaled.width * scaled.height))) / 8;
  const valid = candidates.filter((candidate) => checkDimensions(candidate).length === 0);
  return valid.sort((a, b) => stray(a) - stray(b))[0] ?? null;
}

function checkMaskFormat(mask: CheckedUpload): void {
  if (mask.format !== "png") {
    throw uploadError("mask", mask.name, `the mask must be a PNG with an alpha channel, and this is a ${mask.format.toUpperCase()}`);
  }
  if (!mask.hasAlpha) {
    throw uploadError("mask", mask.name, "the mask has no alpha channel; it must be a PNG with one (alpha 0 where the image may change)");
  }
}

/**
 * The mask at the prepared first image's size. One painted over the image as it was sent (the
 * usual case) is resized alike; one already at the prepared size is taken as it is.
 */
async function fitMask(mask: CheckedUpload, firstName: string, original: Dimensions, target: Dimensions): Promise<CheckedUpload> {
  if (sameSize(mask, target)) return mask;
  if (!sameSize(mask, original)) {
    throw uploadError(
      "mask",
      mask.name,
      `the mask is ${formatSize(mask)} but the first image, ${firstName}, is ${formatSize(original)}; the mask must be exactly the first image's size`,
    );
  }
  return transform(mask, { orient: false, resize: target, format: "png", kernel: "linear" });
}

/** A reference goes as it came, unless it is over the rules' maximum: then it is shrunk to DOWNSCALE_EDGE. */
async function prepareReference(reference: CheckedUpload, notices: string[]): Promise<CheckedUpload> {
  const upright = await uprightSize(reference);
  const long = Math.max(upright.width, upright.height);
  const over = long > SIZE_LIMITS.maxEdge || upright.width * upright.height > SIZE_LIMITS.maxPixels;
  if (!over && !upright.rotated) return reference;
  const scale = over ? DOWNSCALE_EDGE / long : 1;
  const to = { width: Math.max(1, Math.round(upright.width * scale)), height: Math.max(1, Math.round(upright.height * scale)) };
  if (upright.rotated) notices.push(`${reference.name} was turned upright (its EXIF orientation)`);
  if (over) notices.push(`${reference.name} was ${formatSize(upright)}; sent as ${formatSize(to)} (over the size rules' maximum)`);
  return transform(reference, { orient: upright.rotated, resize: over ? to : undefined, format: reference.format });
}

/**
 * The size the person saw: browsers show a photo turned as its EXIF orientation says, and the
 * mask editor paints over it so; the model would be sent the stored, unturned pixels.
 */
async function uprightSize(upload: CheckedUpload): Promise<Dimensions & { rotated: boolean }> {
  const { orientation = 1, autoOrient } = await sharp(upload.bytes).metadata();
  if (orientation === 1) return { width: upload.width, height: upload.height, rotated: false };
  return { width: autoOrient.width, height: autoOrient.height, rotated: true };
}

type Transform = { orient: boolean; resize?: Dimensions; format: CheckedUpload["format"]; kernel?: "linear" | "lanczos3" };

/** One decode and one encode for every change an upload needs, so a JPEG loses quality once at most. */
async function transform(upload: CheckedUpload, change: Transform): Promise<CheckedUpload> {
  if (!change.orient && !change.resize && change.format === upload.format) return upload;
  let pipeline = sharp(upload.bytes, { failOn: "error" });
  if (change.orient) pipeline = pipeline.autoOrient();
  if (change.resize) {
    // `fill`: the grid may stretch an edge by a few pixels; the mask, resized the same way, still lines up.
    pipeline = pipeline.resize(change.resize.width, change.resize.height, { fit: "fill", kernel: change.kernel ?? "lanczos3" });
  }
  const encoded =
    change.format === "png"
      ? pipeline.png()
      : change.format === "jpeg"
        ? pipeline.jpeg({ quality: 95, chromaSubsampling: "4:4:4" })
        : pipeline.webp({ quality: 95 });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { bytes: data, format: change.format, width: info.width, height: info.height, hasAlpha: info.channels === 4 || info.channels === 2, name: upload.name };
}

function sameSize(a: Dimensions, b: Dimensions): boolean {
  return a.width === b.width && a.height === b.height;
}

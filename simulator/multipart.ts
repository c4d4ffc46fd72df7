/**
 * Multipart bodies for /v1/images/edits, parsed with the web-standard Request.formData() rather
 * than a hand-written parser, and the checks upstream applies to the uploaded images and mask.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { invalidRequest } from "./errors";
import { EDIT_FILE_FIELDS, isEditTextField } from "./params";

export type Upload = { field: string; name: string; type: string; bytes: Buffer };
export type FormContent = { fields: Record<string, string>; files: Upload[] };

export type InputImage = { bytes: Buffer; width: number; height: number; format: string; hasAlpha: boolean };
export type EditUploads = { images: InputImage[]; mask?: InputImage };

export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
export const MAX_IMAGES = 16;
const IMAGE_FORMATS = new Set(["png", "jpeg", "webp"]);

export async function readForm(body: Buffer<ArrayBuffer>, contentType: string | undefined): Promise<FormContent> {
  if (!contentType?.toLowerCase().startsWith("multipart/form-data")) {
    throw invalidRequest("Invalid Content-Type header: expected multipart/form-data for image edits.", null);
  }
  let form: FormData;
  try {
    const request = new Request("http://simulator.invalid/", { method: "POST", headers: { "content-type": contentType }, body });
    form = await request.formData();
  } catch {
    throw invalidRequest("Could not parse the multipart form body.", null);
  }
  const content: FormContent = { fields: {}, files: [] };
  for (const [field, value] of form) {
    if (typeof value === "string") content.fields[field] = value;
    else content.files.push({ field, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return content;
}

/** The form as logged: text fields as sent, files replaced by name, type and byte count. */
export function describeForm({ fields, files }: FormContent): Record<string, unknown> {
  const described: Record<string, unknown> = { ...fields };
  for (const { field, name, type, bytes } of files) {
    const summary = { file: name, type, bytes: bytes.length };
    const previous = described[field];
    described[field] = previous === undefined ? summary : [previous, summary].flat();
  }
  return described;
}

/**
 * A file part as the request log shows it, in the order the parts came: what a test checks was
 * sent (which images, in which order; the mask's size, alpha and how much of it is transparent).
 */
export type PartLog = {
  field: string;
  file: string;
  type: string;
  bytes: number;
  sha256: string;
  /** From the content; null when it is no image the simulator reads. */
  format: string | null;
  width: number | null;
  height: number | null;
  hasAlpha: boolean | null;
  /** For the mask: the share of its pixels with alpha 0 (where the image may change). */
  transparentShare?: number;
};

export async function describeParts(files: Upload[]): Promise<PartLog[]> {
  return Promise.all(
    files.map(async ({ field, name, type, bytes }) => {
      const metadata = await sharp(bytes).metadata().catch(() => undefined);
      const part: PartLog = {
        field,
        file: name,
        type,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        format: metadata?.format ?? null,
        width: metadata?.width ?? null,
        height: metadata?.height ?? null,
        hasAlpha: metadata?.hasAlpha ?? null,
      };
      if (field === "mask" && metadata?.hasAlpha) part.transparentShare = await transparentShare(bytes);
      return part;
    }),
  );
}

/** The share of a mask's pixels with alpha 0 (where the image may change). */
export async function transparentShare(bytes: Buffer): Promise<number | undefined> {
  const alpha = await sharp(bytes).ensureAlpha().extractChannel(3).raw().toBuffer().catch(() => undefined);
  if (!alpha || alpha.length === 0) return undefined;
  let clear = 0;
  for (const value of alpha) if (value === 0) clear++;
  return clear / alpha.length;
}

function inspect(upload: Upload, param: string): Promise<InputImage> {
  return inspectImage(upload.bytes, upload.name, param);
}

/** An input image checked by content (PNG, JPEG or WebP, under 50 MB); `name` says which in the error. */
export async function inspectImage(bytes: Buffer, name: string, param: string): Promise<InputImage> {
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw invalidRequest(`Invalid '${param}': file '${name}' is larger than 50 MB.`, param, "file_too_large");
  }
  const metadata = await sharp(bytes).metadata().catch(() => undefined);
  if (!metadata?.format || !IMAGE_FORMATS.has(metadata.format) || !metadata.width || !metadata.height) {
    throw invalidRequest(
      `Invalid file '${param}': unsupported or unreadable image ('${name}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
      param,
      "invalid_image_format",
    );
  }
  return {
    bytes,
    width: metadata.width,
    height: metadata.height,
    format: metadata.format,
    hasAlpha: metadata.hasAlpha,
  };
}

function checkFileFields(files: Upload[]): void {
  for (const { field } of files) {
    if (EDIT_FILE_FIELDS.has(field)) continue;
    if (isEditTextField(field)) {
      throw invalidRequest(`Invalid type for '${field}': expected a string, but got a file instead.`, field, "invalid_type");
    }
    throw invalidRequest(`Unknown parameter: '${field}'.`, field, "unknown_parameter");
  }
}

/** Images (`image[]` or `image`, any order) and the optional mask, checked by content. */
export async function checkEditUploads(files: Upload[]): Promise<EditUploads> {
  checkFileFields(files);
  const imageUploads = files.filter((file) => file.field === "image" || file.field === "image[]");
  if (imageUploads.length === 0) throw invalidRequest("Missing required parameter: 'image'.", "image", "missing_required_parameter");
  if (imageUploads.length > MAX_IMAGES) {
    throw invalidRequest(`Invalid 'image': at most ${MAX_IMAGES} images may be given, got ${imageUploads.length}.`, "image", "too_many_images");
  }
  const images = await Promise.all(imageUploads.map((upload) => inspect(upload, "image")));
  const maskUploads = files.filter((file) => file.field === "mask");
  if (maskUploads.length > 1) throw invalidRequest("Invalid 'mask': only one mask may be given.", "mask", "invalid_value");
  const maskUpload = maskUploads[0];
  if (!maskUpload) return { images };
  const mask = await inspect(maskUpload, "mask");
  checkMask(mask, images[0]);
  return { images, mask };
}

/** A mask is a PNG with alpha at the size of the image it edits (`what` names that image in the error). */
export function checkMask(mask: InputImage, first: InputImage | undefined, param = "mask", what = "the first image"): void {
  if (mask.format !== "png" || !mask.hasAlpha) {
    throw invalidRequest(`Invalid '${param}': the mask must be a PNG image with an alpha channel.`, param, "invalid_mask");
  }
  if (first && (mask.width !== first.width || mask.height !== first.height)) {
    throw invalidRequest(
      `Invalid '${param}': the mask is ${mask.width}x${mask.height} but ${what} is ${first.width}x${first.height}; they must be the same size.`,
      param,
      "invalid_mask",
    );
  }
}


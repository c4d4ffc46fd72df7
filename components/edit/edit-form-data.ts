import { DEFAULT_VALUES, toRequestInput, type FormValues } from "@/components/studio/form-values";
import type { EditRequest } from "@/lib/generations/request-schema";

/**
 * The multipart body of `POST /api/edits`, built from what the edit page holds. Pure (FormData
 * and Blob exist in browsers and in Node alike), so what is sent, and in what order, is tested.
 */

/** The picture being edited: a file picked, pasted or dropped here, or an image already in history. */
export type EditedImage =
  | { kind: "upload"; file: File; url: string; width: number; height: number }
  | { kind: "stored"; id: string; url: string; width: number; height: number };

/** A reference sent beside it: a file, or an image already in history (shown by its thumbnail). */
export type Reference = { key: string; kind: "upload"; file: File; url: string } | { key: string; kind: "stored"; id: string; url: string };

/** The form's starting values: a studio form's, with the size `auto` (the edited image's own, when valid). */
export const EDIT_DEFAULTS: FormValues = { ...DEFAULT_VALUES, size: "auto" };

/** The studio form's values as an edit's request fields: the same, without `moderation` (edits take none). */
export function editRequestInput(values: FormValues): Record<string, unknown> {
  const input = toRequestInput(values);
  delete input.moderation;
  return input;
}

type EditFields = Pick<EditRequest, "prompt" | "size" | "quality" | "output_format" | "output_compression" | "background" | "n" | "partial_images" | "fallback">;

export type EditSubmission = {
  image: EditedImage;
  references: readonly Reference[];
  /** From the mask editor: alpha 0 where painted; null when nothing is painted. */
  mask: Blob | null;
  /** The checked request (lib/generations/request-schema's checkEditRequest). */
  request: EditFields;
  protect: boolean;
};

/**
 * Files go as `image[]` parts, the edited one first, then the uploaded references in their order;
 * an image from history goes by id instead (`source_image_id`, `reference_image_id`), its bytes
 * already on the server. Only the edit's own fields are copied: never `moderation` or `model`.
 */
export function buildEditFormData({ image, references, mask, request, protect }: EditSubmission): FormData {
  const body = new FormData();
  if (image.kind === "upload") body.append("image[]", image.file, image.file.name);
  else body.append("source_image_id", image.id);
  for (const reference of references) {
    if (reference.kind === "upload") body.append("image[]", reference.file, reference.file.name);
    else body.append("reference_image_id", reference.id);
  }
  if (mask) body.append("mask", mask, "mask.png");
  body.append("prompt", request.prompt);
  body.append("size", request.size);
  body.append("quality", request.quality);
  body.append("output_format", request.output_format);
  if (request.output_compression !== undefined) body.append("output_compression", String(request.output_compression));
  body.append("background", request.background);
  body.append("n", String(request.n));
  body.append("partial_images", String(request.partial_images));
  body.append("fallback", String(request.fallback));
  body.append("protect", String(protect));
  return body;
}

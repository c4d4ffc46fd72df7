import "server-only";
import { ApiError, notFound } from "@/lib/errors";
import { printable } from "@/lib/validation/storable-text";
import { isUuid } from "@/lib/validation/uuid";

/**
 * An edit's multipart form, read into what the studio checks next: the request's fields (typed as
 * the request schema reads them: numbers and booleans from their text), `protect`, and the images
 * in the order they came. The edited image is `source_image_id` when given, else the first
 * `image[]` file; every other `image[]` file and `reference_image_id` is a reference, in form
 * order. Anything else, or a field in the wrong shape, is refused naming the field.
 */
export type ImagePart = { from: "upload"; file: File; position: number } | { from: "history"; id: string; field: "source_image_id" | "reference_image_id" };

export type EditForm = {
  /** The request's fields, for the edit request schema. */
  fields: Record<string, unknown>;
  protect: boolean;
  /** The edited image first, then the references. */
  images: ImagePart[];
  mask: File | null;
};

/** The request schema's fields (lib/generations/request-schema.ts, `moderation` aside). */
const TEXT_FIELDS = new Set(["model", "prompt", "size", "quality", "output_format", "background"]);
const NUMBER_FIELDS = new Set(["output_compression", "n", "partial_images"]);
const BOOLEAN_FIELDS = new Set(["fallback"]);
const IMAGE_FIELDS = new Set(["image[]", "image"]);

const invalid = (field: string, message: string) => new ApiError(422, "invalid_request", message, field);

export function readEditForm(form: FormData): EditForm {
  const fields: Record<string, unknown> = {};
  const seen = new Set<string>();
  const images: ImagePart[] = [];
  let source: ImagePart | null = null;
  let mask: File | null = null;
  let protect = true;
  const once = (field: string) => {
    if (seen.has(field)) throw invalid(field, `${field} was given more than once`);
    seen.add(field);
  };
  for (const [name, value] of form) {
    const field = printable(name);
    if (IMAGE_FIELDS.has(name)) {
      if (typeof value === "string") throw invalid("image[]", `${field} must be an image file, not text`);
      images.push({ from: "upload", file: value, position: images.length + 1 });
    } else if (name === "mask") {
      if (typeof value === "string") throw invalid("mask", "mask must be a PNG file, not text");
      once(name);
      mask = value;
    } else if (name === "source_image_id" || name === "reference_image_id") {
      const id = text(name, value).trim();
      // Anything but a UUID is an image this owner does not have, as for any id (lib/http/handle.ts).
      if (!isUuid(id)) throw notFound(`${name} ${printable(id).slice(0, 60)}`, name);
      if (name === "source_image_id") {
        once(name);
        source = { from: "history", id: id.toLowerCase(), field: name };
      } else images.push({ from: "history", id: id.toLowerCase(), field: name });
    } else if (name === "protect") {
      once(name);
      const flag = booleanOf(text(name, value));
      if (flag !== undefined && typeof flag !== "boolean") throw invalid("protect", "protect must be true or false");
      if (typeof flag === "boolean") protect = flag;
    } else if (name === "moderation") {
      throw invalid("moderation", "moderation is not an edit field: the edits endpoint does not take it");
    } else if (TEXT_FIELDS.has(name) || NUMBER_FIELDS.has(name) || BOOLEAN_FIELDS.has(name)) {
      once(name);
      const raw = text(name, value);
      const typed = NUMBER_FIELDS.has(name) ? numberOf(raw) : BOOLEAN_FIELDS.has(name) ? booleanOf(raw) : raw;
      if (typed !== undefined) fields[name] = typed;
    } else {
      throw invalid(field, `Unknown field: ${field}`);
    }
  }
  const edited = source ?? images.find((part) => part.from === "upload");
  if (!edited) throw invalid("image[]", "An edit needs an image: upload it as image[], or name one of yours with source_image_id");
  return { fields, protect, images: [edited, ...images.filter((part) => part !== edited)], mask };
}

function text(field: string, value: FormDataEntryValue): string {
  if (typeof value !== "string") throw invalid(field, `${field} must be text, not a file`);
  return value;
}

/** A number as the schema reads it; left as text when it is none, so the schema names the problem. */
function numberOf(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed === "") return undefined;
  return /^[-+]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** true/false as a script or an HTML checkbox sends it; left as text otherwise. */
function booleanOf(raw: string): unknown {
  const value = raw.trim().toLowerCase();
  if (value === "") return undefined;
  if (["true", "1", "on", "yes"].includes(value)) return true;
  if (["false", "0", "off", "no"].includes(value)) return false;
  return raw;
}

import "server-only";
import { z } from "zod";
import type { MessageInput } from "@/lib/agent/conversations";
import { ApiError, validate } from "@/lib/errors";
import { readMultipart } from "@/lib/http/form";
import { readJson } from "@/lib/http/route";
import { printable } from "@/lib/validation/storable-text";

/**
 * The body of `POST /api/conversations/<id>/messages`, read into what sendMessage checks: JSON
 * `{text, imageIds?, settings?}`, or multipart with `text`, files `image[]`, an optional `mask`
 * file, repeated `imageIds` and an optional `settings` (JSON text). Anything else, or a field in
 * the wrong shape, is refused naming the field.
 */
/** As for an edit: a message's files may be large photos, but not more than a studio should hold for one request. */
const MAX_MESSAGE_BODY_BYTES = 200 * 1024 * 1024;

const jsonMessage = z.strictObject(
  {
    text: z.unknown(),
    imageIds: z.array(z.unknown(), { error: "imageIds must be a list of image ids" }).optional(),
    settings: z.unknown().optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `Unknown field: ${(issue.keys as string[]).map(printable).join(", ")}` : 'The body must be a JSON object such as {"text": "a red door"}',
  },
);

const invalid = (field: string, message: string) => new ApiError(422, "invalid_request", message, field);

export async function readMessage(request: Request): Promise<MessageInput> {
  const type = request.headers.get("content-type") ?? "";
  if (/^multipart\/form-data\b/i.test(type)) return fromForm(await readMultipart(request, MAX_MESSAGE_BODY_BYTES, "200 MB: a message's files may total at most 200 MB"));
  if (/^application\/json\b/i.test(type)) {
    const body = validate(jsonMessage, await readJson(request));
    return { text: body.text, imageIds: body.imageIds ?? [], files: [], mask: null, settings: body.settings };
  }
  throw new ApiError(415, "unsupported_media_type", `Send the message as application/json, or as multipart/form-data with files (got ${type || "no content type"})`);
}

function fromForm(form: FormData): MessageInput {
  const input: MessageInput = { text: undefined, imageIds: [], files: [], mask: null };
  const seen = new Set<string>();
  const once = (field: string) => {
    if (seen.has(field)) throw invalid(field, `${field} was given more than once`);
    seen.add(field);
  };
  for (const [name, value] of form) {
    const field = printable(name);
    if (name === "image[]" || name === "image") {
      if (typeof value === "string") throw invalid("image[]", `${field} must be an image file, not text`);
      input.files.push(value);
    } else if (name === "mask") {
      if (typeof value === "string") throw invalid("mask", "mask must be a PNG file, not text");
      once(name);
      input.mask = value;
    } else if (name === "imageIds" || name === "imageIds[]") {
      input.imageIds.push(text("imageIds", value).trim());
    } else if (name === "text") {
      once(name);
      input.text = text(name, value);
    } else if (name === "settings") {
      once(name);
      input.settings = settingsOf(text(name, value));
    } else {
      throw invalid(field, `Unknown field: ${field}`);
    }
  }
  return input;
}

function text(field: string, value: FormDataEntryValue): string {
  if (typeof value !== "string") throw invalid(field, `${field} must be text, not a file`);
  return value;
}

function settingsOf(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw invalid("settings", 'settings must be JSON such as {"size": "1536x1024"}');
  }
}

/**
 * Validation of the image request fields, per the gateway contract's table. JSON bodies are typed
 * strictly (as OpenAI does); multipart fields arrive as strings and are coerced first.
 * Error texts follow OpenAI's wording so clients see what they would see upstream.
 */
import { checkSize } from "../lib/images/size-rules";
import type { OutputFormat } from "./draw";
import { ApiError, invalidRequest } from "./errors";

export type Quality = "low" | "medium" | "high";
export type Background = "auto" | "opaque" | "transparent";

export type ImageRequest = {
  model: string;
  prompt: string;
  n: number;
  /** As asked: "auto" or WxH. */
  size: string;
  quality: Quality | "auto";
  outputFormat: OutputFormat;
  /** 0-100; ignored for png, as upstream does. */
  outputCompression: number;
  background: Background;
  stream: boolean;
  partialImages: number;
  user?: string;
};

export type ParseOptions = { allowTransparent: boolean };

export const MODELS = ["gpt-image-2", "gpt-image-2-2026-04-21"] as const;
const MAX_PROMPT_CHARS = 32_000;

const QUALITIES = ["low", "medium", "high", "auto"] as const;
const FORMATS = ["png", "jpeg", "webp"] as const;
const BACKGROUNDS = ["auto", "opaque", "transparent"] as const;
const MODERATIONS = ["auto", "low"] as const;

const COMMON_FIELDS = [
  "model", "prompt", "n", "size", "quality", "output_format", "output_compression",
  "background", "stream", "partial_images", "user", "safety_identifier",
];
const GENERATION_FIELDS = new Set([...COMMON_FIELDS, "moderation"]);
const EDIT_TEXT_FIELDS = new Set(COMMON_FIELDS);
/** Edit fields that must be files; sent as text they are a type error, not an unknown parameter. */
export const EDIT_FILE_FIELDS = new Set(["image", "image[]", "mask"]);

/**
 * Where values come from: JSON keeps its types, a multipart form only has strings. `prefix` names
 * where the object sits in a bigger body (`tools[0].`), so errors name the param as upstream does.
 */
type Fields = { values: Record<string, unknown>; fromForm: boolean; prefix?: string };

function paramOf(fields: Fields, name: string): string {
  return `${fields.prefix ?? ""}${name}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

export function invalidType(param: string, expected: string, value: unknown) {
  return invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    param,
    "invalid_type",
  );
}

/** JSON null means "not given" for optional fields, as the OpenAI API treats it. */
function given(fields: Fields, name: string): unknown {
  const value = fields.values[name];
  return value === null ? undefined : value;
}

function readString(fields: Fields, name: string): string | undefined {
  const value = given(fields, name);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidType(paramOf(fields, name), "a string", value);
  return value;
}

function readEnum<T extends string>(fields: Fields, name: string, allowed: readonly T[], fallback: T): T {
  const value = readString(fields, name);
  if (value === undefined) return fallback;
  const match = allowed.find((option) => option === value);
  if (match === undefined) {
    const list = allowed.map((option) => `'${option}'`).join(", ");
    throw invalidRequest(`Invalid value: '${value}'. Supported values are: ${list}.`, paramOf(fields, name), "invalid_value");
  }
  return match;
}

function readInt(fields: Fields, name: string, min: number, max: number, fallback: number): number {
  const raw = given(fields, name);
  if (raw === undefined) return fallback;
  const value = fields.fromForm && typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  const param = paramOf(fields, name);
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalidType(param, "an integer", raw);
  if (value < min) {
    throw invalidRequest(
      `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      param,
      "integer_below_min_value",
    );
  }
  if (value > max) {
    throw invalidRequest(
      `Invalid '${param}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      param,
      "integer_above_max_value",
    );
  }
  return value;
}

function readBool(fields: Fields, name: string, fallback: boolean): boolean {
  const raw = given(fields, name);
  if (raw === undefined) return fallback;
  if (typeof raw === "boolean") return raw;
  if (fields.fromForm && (raw === "true" || raw === "false")) return raw === "true";
  throw invalidType(paramOf(fields, name), "a boolean", raw);
}

function rejectUnknown(fields: Fields, allowed: Set<string>): void {
  for (const name of Object.keys(fields.values)) {
    const param = paramOf(fields, name);
    if (name === "response_format") {
      throw invalidRequest(
        `Unsupported parameter: '${param}' is not supported with GPT image models; images are always returned as b64_json.`,
        param,
        "unsupported_parameter",
      );
    }
    if (name === "input_fidelity") {
      throw invalidRequest(
        `Unsupported parameter: '${param}' is not supported with gpt-image-2, which always keeps input images at high fidelity.`,
        param,
        "unsupported_parameter",
      );
    }
    if (!allowed.has(name)) throw invalidRequest(`Unknown parameter: '${param}'.`, param, "unknown_parameter");
  }
}

function readRequired(fields: Fields, name: string): string {
  const value = readString(fields, name);
  if (value === undefined) {
    const param = paramOf(fields, name);
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
  }
  return value;
}

function readModel(fields: Fields, fallback?: string): string {
  const model = fallback === undefined ? readRequired(fields, "model") : (readString(fields, "model") ?? fallback);
  if (!MODELS.some((known) => known === model)) {
    const list = MODELS.map((known) => `'${known}'`).join(", ");
    throw invalidRequest(`Invalid value: '${model}'. Supported values are: ${list}.`, paramOf(fields, "model"), "invalid_value");
  }
  return model;
}

function readPrompt(fields: Fields): string {
  const prompt = readRequired(fields, "prompt");
  if (prompt.trim() === "") throw invalidRequest("Invalid 'prompt': empty string.", "prompt", "empty_string");
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw invalidRequest(
      `Invalid 'prompt': string too long. Expected a string with maximum length ${MAX_PROMPT_CHARS}, but got a string with length ${prompt.length} instead.`,
      "prompt",
      "string_above_max_length",
    );
  }
  return prompt;
}

/** Size per the shared rules; a bad multiple gets upstream's own sentence, anything else the rules' text. */
function readSize(fields: Fields): string {
  const size = readString(fields, "size") ?? "auto";
  const problems = checkSize(size);
  const problem = problems.find((p) => p.rule === "multiple") ?? problems[0];
  if (problem) throw invalidRequest(problem.message, paramOf(fields, "size"), "invalid_value");
  return size;
}

function readCommon(fields: Fields, options: ParseOptions): ImageRequest {
  const request: ImageRequest = {
    model: readModel(fields),
    prompt: readPrompt(fields),
    n: readInt(fields, "n", 1, 10, 1),
    size: readSize(fields),
    quality: readEnum(fields, "quality", QUALITIES, "auto"),
    outputFormat: readEnum(fields, "output_format", FORMATS, "png"),
    outputCompression: readInt(fields, "output_compression", 0, 100, 100),
    background: readEnum(fields, "background", BACKGROUNDS, "auto"),
    stream: readBool(fields, "stream", false),
    partialImages: readInt(fields, "partial_images", 0, 3, 0),
    user: readString(fields, "user"),
  };
  // Accepted (gateways take it in place of `user`) and type-checked; the simulator has no use for it.
  readString(fields, "safety_identifier");
  checkCombinations(request, options);
  return request;
}

function checkCombinations(request: ImageRequest, options: ParseOptions, prefix = ""): void {
  if (request.background === "transparent") {
    if (!options.allowTransparent) {
      throw invalidRequest("Transparent background is not supported for this model.", `${prefix}background`, "invalid_value");
    }
    if (request.outputFormat === "jpeg") {
      throw invalidRequest(
        "Transparent background requires output_format 'png' or 'webp'.",
        `${prefix}background`,
        "invalid_value",
      );
    }
  }
  if (request.stream && request.n > 1) {
    throw invalidRequest("Streaming is only supported with n=1.", "stream", "invalid_value");
  }
}

export function parseGenerationFields(values: Record<string, unknown>, options: ParseOptions): ImageRequest {
  const fields: Fields = { values, fromForm: false };
  rejectUnknown(fields, GENERATION_FIELDS);
  const request = readCommon(fields, options);
  readEnum(fields, "moderation", MODERATIONS, "auto");
  return request;
}

/** The text fields of an edit; files (image[], mask) are checked separately. */
export function parseEditFields(values: Record<string, string>, options: ParseOptions): ImageRequest {
  const fields: Fields = { values, fromForm: true };
  for (const name of Object.keys(values)) {
    if (EDIT_FILE_FIELDS.has(name)) throw invalidType(name, "a file", values[name]);
  }
  // `moderation` is a generation field only: upstream rejects it on edits as unknown.
  rejectUnknown(fields, EDIT_TEXT_FIELDS);
  return readCommon(fields, options);
}

/** Whether a multipart file part's field name is one an edit accepts as a file. */
export function isEditTextField(name: string): boolean {
  return EDIT_TEXT_FIELDS.has(name);
}

export type ImageAction = "generate" | "edit" | "auto";

/** The `image_generation` tool of a /v1/responses body, checked by the image endpoints' rules. */
export type ImageTool = Omit<ImageRequest, "prompt" | "n" | "stream" | "user"> & {
  moderation: "auto" | "low";
  action: ImageAction;
  /** `input_image_mask.image_url` as sent; its content is checked with the input images (responses-input.ts). */
  maskUrl?: string;
};

const TOOL_FIELDS = new Set([
  "type", "model", "size", "quality", "output_format", "output_compression", "background",
  "moderation", "partial_images", "action", "input_image_mask",
]);
const ACTIONS = ["generate", "edit", "auto"] as const;
const MASK_FIELDS = new Set(["image_url", "file_id"]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON request body as the object upstream expects, or the error upstream answers when it is not one. */
export function jsonObject(body: Buffer): Record<string, unknown> | ApiError {
  let values: unknown;
  try {
    values = JSON.parse(body.toString("utf8"));
  } catch {
    values = undefined;
  }
  return isRecord(values) ? values : invalidRequest("We could not parse the JSON body of your request. The API expects a JSON object as the payload.", null);
}

function readMaskUrl(fields: Fields): string | undefined {
  const value = given(fields, "input_image_mask");
  if (value === undefined) return undefined;
  const param = paramOf(fields, "input_image_mask");
  if (!isRecord(value)) throw invalidType(param, "an object", value);
  const mask: Fields = { values: value, fromForm: false, prefix: `${param}.` };
  rejectUnknown(mask, MASK_FIELDS);
  if (given(mask, "file_id") !== undefined) {
    throw invalidRequest(
      `Unsupported parameter: '${param}.file_id': the simulator has no Files API; send the mask as 'image_url', a data URL.`,
      `${param}.file_id`,
      "unsupported_parameter",
    );
  }
  return readRequired(mask, "image_url");
}

/** One `{type: "image_generation", ...}` tool; `prefix` is where it sits (`tools[0].`). */
export function parseImageTool(values: Record<string, unknown>, options: ParseOptions, prefix: string): ImageTool {
  const fields: Fields = { values, fromForm: false, prefix };
  rejectUnknown(fields, TOOL_FIELDS);
  const tool: ImageTool = {
    model: readModel(fields, MODELS[0]),
    size: readSize(fields),
    quality: readEnum(fields, "quality", QUALITIES, "auto"),
    outputFormat: readEnum(fields, "output_format", FORMATS, "png"),
    outputCompression: readInt(fields, "output_compression", 0, 100, 100),
    background: readEnum(fields, "background", BACKGROUNDS, "auto"),
    partialImages: readInt(fields, "partial_images", 0, 3, 0),
    moderation: readEnum(fields, "moderation", MODERATIONS, "auto"),
    action: readEnum(fields, "action", ACTIONS, "auto"),
    maskUrl: readMaskUrl(fields),
  };
  checkCombinations({ ...tool, prompt: "", n: 1, stream: false }, options, prefix);
  return tool;
}

/**
 * A /v1/responses body. Read in two steps like jobs.ts: `readResponses` only parses the JSON and
 * summarises it for the request log (and finds the last user message's text, which picks a
 * scripted fault), `toRequest` validates it later — after auth and faults, in upstream's order.
 * `previous_response_id` is accepted and ignored, as sub2api drops it: every call stands alone.
 */
import { ApiError, invalidRequest } from "./errors";
import { describeImageUrl, describeMaskUrl, readDataUrl, shortUrl, type ImageLog, type MaskLog } from "./data-url";
import { checkMask, MAX_IMAGES, type InputImage } from "./multipart";
import { invalidType, isRecord, jsonObject, MODELS, parseImageTool, type ImageTool, type ParseOptions } from "./params";

export type Role = "user" | "assistant" | "system" | "developer";
export type Message = { role: Role; text: string; images: InputImage[] };
export type ToolChoice = "auto" | "required" | "none" | "image_generation";

export type ResponsesRequest = {
  model: string;
  messages: Message[];
  instructions: string | null;
  tool: ImageTool | undefined;
  toolChoice: ToolChoice;
  stream: boolean;
  user: string | null;
  /** The image an edit changes: the last `input_image` of the input, in order. */
  latestImage: InputImage | undefined;
  mask: InputImage | undefined;
};

export type ResponsesLog = {
  model: unknown;
  messages: { role: unknown; text: string; images: number }[];
  tools: unknown;
  tool_choice: unknown;
  stream: unknown;
  user: unknown;
  previousResponseId: string | null;
  inputImages: ImageLog[];
  mask: MaskLog | null;
};

export type IncomingResponse = {
  log: ResponsesLog | null;
  /** The last user message's text: what scripted and embedded faults are matched on. */
  prompt: string | undefined;
  toRequest(): Promise<ResponsesRequest>;
};

const ROLES = ["user", "assistant", "system", "developer"] as const;
/** Fields of the Responses API the simulator accepts; those it has no use for are ignored. */
const FIELDS = new Set([
  "model", "input", "instructions", "tools", "tool_choice", "stream", "user", "previous_response_id",
  "safety_identifier", "store", "metadata", "temperature", "top_p", "max_output_tokens", "parallel_tool_calls",
  "reasoning", "text", "truncation", "include", "service_tier", "prompt_cache_key",
]);
const ITEM_FIELDS = new Set(["type", "role", "content", "id", "status"]);
const IMAGE_MODEL = /^(gpt-image|chatgpt-image|dall-e)/i;

/** Null (and absent) means "not given", as the OpenAI API treats it. */
function given(values: Record<string, unknown>, name: string): unknown {
  return values[name] === null ? undefined : values[name];
}

function list(options: readonly string[]): string {
  return options.map((option) => `'${option}'`).join(", ");
}

function optionalString(values: Record<string, unknown>, name: string, param = name): string | undefined {
  const value = given(values, name);
  if (value !== undefined && typeof value !== "string") throw invalidType(param, "a string", value);
  return value;
}

function requiredString(values: Record<string, unknown>, name: string, param = name): string {
  const value = optionalString(values, name, param);
  if (value === undefined) throw invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
  return value;
}

// ---- the request log: lenient, never throws ----

/** A message's text parts joined, and its input_image parts' URLs. */
function partsOf(content: unknown): { text: string; imageUrls: unknown[] } {
  if (typeof content === "string") return { text: content, imageUrls: [] };
  const parts = Array.isArray(content) ? content.filter(isRecord) : [];
  const text = parts
    .map((part) => part.text ?? part.refusal)
    .filter((value): value is string => typeof value === "string")
    .join("\n");
  return { text, imageUrls: parts.filter((part) => part.type === "input_image").map((part) => part.image_url) };
}

function itemsOf(input: unknown): { role: unknown; text: string; imageUrls: unknown[] }[] {
  if (typeof input === "string") return [{ role: "user", text: input, imageUrls: [] }];
  if (!Array.isArray(input)) return [];
  return input.filter(isRecord).map((item) => ({ role: item.role, ...partsOf(item.content) }));
}

function maskUrlOf(tools: unknown): unknown {
  if (!Array.isArray(tools)) return undefined;
  const tool = tools.find((candidate) => isRecord(candidate) && candidate.type === "image_generation") as Record<string, unknown> | undefined;
  return isRecord(tool?.input_image_mask) ? tool.input_image_mask.image_url : undefined;
}

/** The tools as sent, the mask's data URL shortened. */
function toolsForLog(tools: unknown): unknown {
  if (!Array.isArray(tools)) return tools ?? null;
  return tools.map((tool) => {
    if (!isRecord(tool) || !isRecord(tool.input_image_mask) || typeof tool.input_image_mask.image_url !== "string") return tool;
    return { ...tool, input_image_mask: { ...tool.input_image_mask, image_url: shortUrl(tool.input_image_mask.image_url) } };
  });
}

async function describe(values: Record<string, unknown>): Promise<ResponsesLog> {
  const items = itemsOf(values.input);
  const maskUrl = maskUrlOf(values.tools);
  const previous = values.previous_response_id;
  return {
    model: values.model ?? null,
    messages: items.map(({ role, text, imageUrls }) => ({ role, text, images: imageUrls.length })),
    tools: toolsForLog(values.tools),
    tool_choice: values.tool_choice ?? null,
    stream: values.stream ?? null,
    user: values.user ?? null,
    previousResponseId: typeof previous === "string" ? previous : null,
    inputImages: await Promise.all(items.flatMap(({ imageUrls }) => imageUrls).map(describeImageUrl)),
    mask: maskUrl === undefined ? null : await describeMaskUrl(maskUrl),
  };
}

function lastUserText(values: Record<string, unknown>): string | undefined {
  return itemsOf(values.input).findLast((item) => item.role === "user")?.text;
}

export async function readResponses(body: Buffer, options: ParseOptions): Promise<IncomingResponse> {
  const values = jsonObject(body);
  if (values instanceof ApiError) return { log: null, prompt: undefined, toRequest: () => Promise.reject(values) };
  const fields = values;
  return { log: await describe(fields), prompt: lastUserText(fields), toRequest: () => validate(fields, options) };
}

// ---- validation: strict, upstream's wording, the param named ----

function readModel(values: Record<string, unknown>): string {
  const model = requiredString(values, "model");
  if (MODELS.some((known) => known === model) || IMAGE_MODEL.test(model)) {
    throw invalidRequest(
      `Invalid value: '${model}'. The Responses API takes a text model (such as gpt-5.5) as 'model'; '${model}' is an image model: name it as the image_generation tool's 'model' instead.`,
      "model",
      "invalid_value",
    );
  }
  return model;
}

async function readPart(part: unknown, role: Role, param: string): Promise<{ text?: string; image?: InputImage }> {
  if (!isRecord(part)) throw invalidType(param, "an object", part);
  const type = requiredString(part, "type", `${param}.type`);
  const allowed = role === "assistant" ? ["output_text", "refusal"] : ["input_text", "input_image"];
  if (!allowed.includes(type)) {
    throw invalidRequest(`Invalid value: '${type}'. Supported values for the role '${role}' are: ${list(allowed)}.`, `${param}.type`, "invalid_value");
  }
  switch (type) {
    case "refusal":
      return { text: requiredString(part, "refusal", `${param}.refusal`) };
    case "input_image":
      if (given(part, "file_id") !== undefined) {
        throw invalidRequest(`Unsupported parameter: '${param}.file_id': the simulator has no Files API; send 'image_url' as a data URL.`, `${param}.file_id`, "unsupported_parameter");
      }
      return { image: await readDataUrl(requiredString(part, "image_url", `${param}.image_url`), `${param}.image_url`) };
    default:
      return { text: requiredString(part, "text", `${param}.text`) };
  }
}

async function readMessage(item: unknown, param: string): Promise<Message> {
  if (!isRecord(item)) throw invalidType(param, "an object", item);
  const type = optionalString(item, "type", `${param}.type`) ?? "message";
  if (type !== "message") {
    throw invalidRequest(`Invalid value: '${type}'. The simulator takes input items of type 'message' only.`, `${param}.type`, "invalid_value");
  }
  for (const name of Object.keys(item)) {
    if (!ITEM_FIELDS.has(name)) throw invalidRequest(`Unknown parameter: '${param}.${name}'.`, `${param}.${name}`, "unknown_parameter");
  }
  const roleName = requiredString(item, "role", `${param}.role`);
  const role = ROLES.find((candidate) => candidate === roleName);
  if (!role) throw invalidRequest(`Invalid value: '${roleName}'. Supported values are: ${list(ROLES)}.`, `${param}.role`, "invalid_value");
  const content = given(item, "content");
  if (typeof content === "string") return { role, text: content, images: [] };
  if (content === undefined) throw invalidRequest(`Missing required parameter: '${param}.content'.`, `${param}.content`, "missing_required_parameter");
  if (!Array.isArray(content)) throw invalidType(`${param}.content`, "a string or an array", content);
  // One after another, so the first bad part in order is the one named.
  const parts: { text?: string; image?: InputImage }[] = [];
  for (const [index, part] of content.entries()) parts.push(await readPart(part, role, `${param}.content[${index}]`));
  return {
    role,
    text: parts.flatMap((part) => (part.text === undefined ? [] : [part.text])).join("\n"),
    images: parts.flatMap((part) => (part.image ? [part.image] : [])),
  };
}

async function readInput(values: Record<string, unknown>): Promise<Message[]> {
  const input = given(values, "input");
  if (input === undefined) throw invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  if (typeof input === "string") return [{ role: "user", text: input, images: [] }];
  if (!Array.isArray(input)) throw invalidType("input", "a string or an array", input);
  if (input.length === 0) {
    throw invalidRequest("Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", "input", "empty_array");
  }
  const messages: Message[] = [];
  for (const [index, item] of input.entries()) messages.push(await readMessage(item, `input[${index}]`));
  const images = messages.reduce((sum, message) => sum + message.images.length, 0);
  if (images > MAX_IMAGES) {
    throw invalidRequest(`Invalid 'input': at most ${MAX_IMAGES} input images may be given, got ${images}.`, "input", "too_many_images");
  }
  return messages;
}

/** The image_generation tool, if declared (at most once), and where it sits. */
function readTools(values: Record<string, unknown>, options: ParseOptions): { tool: ImageTool; param: string } | undefined {
  const tools = given(values, "tools");
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) throw invalidType("tools", "an array", tools);
  let found: { tool: ImageTool; param: string } | undefined;
  for (const [index, tool] of tools.entries()) {
    const param = `tools[${index}]`;
    if (!isRecord(tool)) throw invalidType(param, "an object", tool);
    const type = requiredString(tool, "type", `${param}.type`);
    if (type !== "image_generation") {
      throw invalidRequest(`Invalid value: '${type}'. The simulator supports only 'image_generation' tools.`, `${param}.type`, "invalid_value");
    }
    if (found) throw invalidRequest(`Invalid '${param}': the image_generation tool may be given only once.`, param, "duplicate_tool");
    found = { tool: parseImageTool(tool, options, `${param}.`), param };
  }
  return found;
}

function readToolChoice(values: Record<string, unknown>, hasTool: boolean): ToolChoice {
  const value = given(values, "tool_choice");
  let choice: ToolChoice;
  if (value === undefined) choice = "auto";
  else if (value === "auto" || value === "required" || value === "none") choice = value;
  else if (isRecord(value) && value.type === "image_generation") choice = "image_generation";
  else {
    throw invalidRequest(
      `Invalid value for 'tool_choice': expected 'auto', 'required', 'none' or {"type": "image_generation"}, but got ${JSON.stringify(value)}.`,
      "tool_choice",
      "invalid_value",
    );
  }
  if ((choice === "required" || choice === "image_generation") && !hasTool) {
    throw invalidRequest("Tool choice 'image_generation' not found in 'tools' parameter.", "tool_choice", "invalid_value");
  }
  return choice;
}

function readStream(values: Record<string, unknown>): boolean {
  const value = given(values, "stream");
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw invalidType("stream", "a boolean", value);
  return value;
}

/** The mask is checked against the image it edits: the latest input image. */
async function readMask(found: { tool: ImageTool; param: string } | undefined, latest: InputImage | undefined): Promise<InputImage | undefined> {
  if (!found) return undefined;
  const { tool, param } = found;
  if (tool.action === "edit" && !latest) {
    throw invalidRequest(`Invalid '${param}.action': 'edit' needs an input image (an input_image part) to edit.`, `${param}.action`, "invalid_value");
  }
  if (tool.maskUrl === undefined) return undefined;
  const maskParam = `${param}.input_image_mask`;
  if (!latest) {
    throw invalidRequest(`Invalid '${maskParam}': a mask needs an input image (an input_image part) to edit.`, maskParam, "invalid_mask");
  }
  const mask = await readDataUrl(tool.maskUrl, `${maskParam}.image_url`);
  checkMask(mask, latest, maskParam, "the latest input image");
  return mask;
}

async function validate(values: Record<string, unknown>, options: ParseOptions): Promise<ResponsesRequest> {
  for (const name of Object.keys(values)) {
    if (!FIELDS.has(name)) throw invalidRequest(`Unknown parameter: '${name}'.`, name, "unknown_parameter");
  }
  const model = readModel(values);
  const messages = await readInput(values);
  const found = readTools(values, options);
  const toolChoice = readToolChoice(values, found !== undefined);
  const stream = readStream(values);
  const instructions = optionalString(values, "instructions") ?? null;
  const user = optionalString(values, "user") ?? null;
  optionalString(values, "previous_response_id");
  const latestImage = messages.flatMap((message) => message.images).at(-1);
  const mask = await readMask(found, latestImage);
  return { model, messages, instructions, tool: found?.tool, toolChoice, stream, user, latestImage, mask };
}

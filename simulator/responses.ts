/**
 * What the simulated text model answers on /v1/responses: whether it calls the image tool, what
 * it says, the tool's picture (an ImageJob like the image endpoints'), and the usage of both.
 *
 * The rule for calling the tool: always when `tool_choice` forces it (`required` or
 * `{type:"image_generation"}`), never with `none` or without the tool; with `auto`, when the last
 * user message asks for a picture — it has an input image, or a word like draw, make, image,
 * picture, photo, generate, paint, render, create, sketch, version, edit, change, put, add, remove,
 * replace, warmer, cooler, brighter, darker, vertical or horizontal (any `[[sim:...]]` marker aside).
 * The picture is an edit of the LATEST input image (through the tool's mask, if any) when the tool's
 * action is `edit`, or `auto` and the input has an image; otherwise a new picture.
 */
import { randomBytes } from "node:crypto";
import type { Dimensions } from "../lib/images/size-rules";
import { captionFor } from "./draw";
import type { FaultPlan } from "./faults";
import { editJob, generationJob } from "./jobs";
import type { ImageTool } from "./params";
import { shapeFor, unixNow, type ImageJob, type Shape } from "./respond";
import type { Message, ResponsesRequest } from "./responses-input";
import { computeUsage, type Usage } from "./usage";

/** The tool's picture: how it is drawn, and what it claims (they differ under size faults). */
export type ToolRun = { job: ImageJob; shape: Shape; edit: boolean; itemId: string; inputImages: Dimensions[] };

export type Answer = {
  request: ResponsesRequest;
  responseId: string;
  messageId: string;
  /** Unix time, the same in every copy of the response object. */
  createdAt: number;
  /** The assistant's sentence, and the pieces it streams in. */
  text: string;
  deltas: string[];
  tool: ToolRun | undefined;
};

/** The text model's usage, the Responses API's shape. */
export type TextUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
};

const PICTURE_WORDS =
  /\b(draw|drew|mak|made|imag|pictur|photo|generat|paint|render|creat|sketch|illustrat|version|edit|chang|put|add|remov|replac|warmer|cooler|brighter|darker|vertical|horizontal)(e|es|ed|ing|s|d|ion|ions)?\b/i;
const MARKERS = /\[\[sim:[^\]]*\]\]/g;
const TEXT_DELTAS = 5;
/** What an input image costs the text model, whatever its size. */
const TOKENS_PER_INPUT_IMAGE = 85;

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

function lastUser(messages: Message[]): Message | undefined {
  return messages.findLast((message) => message.role === "user");
}

function callsTool(request: ResponsesRequest, asked: Message | undefined, prompt: string): boolean {
  if (!request.tool || request.toolChoice === "none") return false;
  if (request.toolChoice !== "auto") return true;
  return (asked?.images.length ?? 0) > 0 || PICTURE_WORDS.test(prompt);
}

/** The sentence in TEXT_DELTAS pieces of whole words (fewer for a short one), spaces kept so they join back exactly. */
export function splitDeltas(text: string): string[] {
  const words = text.split(/(?<= )/);
  const count = Math.min(TEXT_DELTAS, words.length);
  return Array.from({ length: count }, (_, k) =>
    words.slice(Math.round((k * words.length) / count), Math.round(((k + 1) * words.length) / count)).join(""),
  );
}

function sentence(tool: ToolRun | undefined, caption: string): string {
  const about = caption ? `“${caption}”` : "your request";
  if (!tool) return `I can draw new pictures or change the ones you send. You said ${about}: ask me for a picture and I will make it.`;
  return tool.edit ? `Here is the picture, edited as you asked: ${about}.` : `Here is a new picture of ${about}, fresh from the image tool.`;
}

function toolRun(tool: ImageTool, request: ResponsesRequest, prompt: string, plan: FaultPlan | undefined, grain: number): ToolRun {
  const image = {
    ...tool,
    prompt: prompt || "a picture",
    n: 1,
    stream: request.stream,
    partialImages: request.stream ? tool.partialImages : 0,
    ...(request.user ? { user: request.user } : {}),
  };
  const latest = request.latestImage;
  const edit = latest !== undefined && tool.action !== "generate";
  const job = edit
    ? editJob(image, { images: [latest], mask: request.mask }, { grain, ignoreMask: plan?.ignoreMask ?? false })
    : generationJob(image, grain);
  return { job, shape: shapeFor(job, plan), edit, itemId: newId("ig"), inputImages: edit ? [{ width: latest.width, height: latest.height }] : [] };
}

export function answerFor(request: ResponsesRequest, plan: FaultPlan | undefined, grain: number): Answer {
  const asked = lastUser(request.messages);
  const prompt = (asked?.text ?? "").replace(MARKERS, " ").replace(/\s+/g, " ").trim();
  const tool = request.tool && callsTool(request, asked, prompt) ? toolRun(request.tool, request, prompt, plan, grain) : undefined;
  const text = sentence(tool, captionFor(prompt));
  return { request, responseId: newId("resp"), messageId: newId("msg"), createdAt: unixNow(), text, deltas: splitDeltas(text), tool };
}

/** Text (instructions and messages) at ~4 characters a token, and a flat price per input image. */
export function textUsage(answer: Answer): TextUsage {
  const { instructions, messages } = answer.request;
  const chars = messages.reduce((sum, message) => sum + message.text.length, instructions?.length ?? 0);
  const images = messages.reduce((sum, message) => sum + message.images.length, 0);
  const input = Math.ceil(chars / 4) + images * TOKENS_PER_INPUT_IMAGE;
  const output = Math.ceil(answer.text.length / 4);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** The image tool's usage, billed as the image endpoints bill (usage.ts): the edited image is its input. */
export function toolUsage(tool: ToolRun, partials: number): Usage {
  return computeUsage({
    prompt: tool.job.request.prompt,
    quality: tool.shape.quality,
    outputs: [tool.shape.drawn],
    partials,
    inputImages: tool.inputImages,
  });
}

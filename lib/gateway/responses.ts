import "server-only";
import type OpenAI from "openai";
import { APIError } from "openai";
import { z } from "zod";
import type { Gateway } from "@/lib/env";
import {
  badEvent,
  streamEvents,
  usageSchema,
  type DrawingEvent,
  type EventDecoder,
  type GatewayEvent,
  type ImageSink,
  type JsonMessage,
  type StreamLimits,
  type TextEvent,
  type Usage,
} from "@/lib/gateway/client";
import type { InputImage } from "@/lib/gateway/edit";
import { toGatewayError, type GatewayError } from "@/lib/gateway/errors";
import { echoFields, echoOf, sunk } from "@/lib/gateway/image-events";

/**
 * `POST /v1/responses` with the image_generation tool (agent mode): a text model reads the
 * conversation and answers in text, calling the tool when a picture is wanted (`tool_choice:
 * "auto"`, so a text-only answer is a whole answer). sub2api keeps no context between calls
 * (it drops `previous_response_id`): every call carries the conversation itself (lib/agent/context.ts).
 */
export type UserPart = { type: "input_text"; text: string } | { type: "input_image"; image_url: string; detail?: "auto" | "low" | "high" };
export type InputMessage = { role: "user"; content: UserPart[] } | { role: "assistant"; content: { type: "output_text"; text: string }[] };

/** The tool's fields as the contract lists them; the gateway picks the image model (gpt-image-2). */
export type ImageTool = {
  size: string;
  quality: string;
  output_format: string;
  output_compression?: number;
  background: string;
  partial_images: number;
  action: "generate" | "edit" | "auto";
  /** Where the tool may paint, for the first input image: sent as `input_image_mask`. */
  mask?: InputImage;
};

export type ConversationCall = {
  /** The text model (the brief's gpt-5.5), not the image model. */
  model: string;
  input: InputMessage[];
  tool: ImageTool;
  /** The studio user's id, sent as the brief's `user` for the gateway's audit. */
  user: string;
};

/**
 * The end of a response: the text model's usage (`usage`) and the image tool's (`tool_usage.
 * image_gen`, when the gateway reports it), billed apart at their models' prices; the whole text;
 * how many tool calls there were and how many of them gave a picture.
 */
export type DoneEvent = { type: "done"; usage: Usage | null; toolUsage: Usage | null; text: string; toolCalls: number; images: number };

/**
 * Text deltas, `drawing` when a tool call starts, its partials, `completed` for each finished
 * picture (usage null: the response's usage comes with `done`), then exactly one `done`.
 */
export type ConversationEvent<T> = TextEvent | DrawingEvent | GatewayEvent<T> | DoneEvent;

export function converse<T>(gateway: Gateway, call: ConversationCall, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<ConversationEvent<T>> {
  const body = requestBody(call);
  return streamEvents<T, ConversationEvent<T>>(gateway, limits, openSink, {
    send: (client, signal) => client.responses.create(body, { signal }).asResponse(),
    decoder: conversationEvents<T>(),
  });
}

export function dataUrl(image: InputImage): string {
  return `data:${image.type};base64,${image.bytes.toString("base64")}`;
}

function requestBody(call: ConversationCall): OpenAI.Responses.ResponseCreateParamsStreaming {
  const { mask, ...tool } = call.tool;
  const body = {
    model: call.model,
    input: call.input,
    tools: [{ type: "image_generation" as const, ...tool, ...(mask ? { input_image_mask: { image_url: dataUrl(mask) } } : {}) }],
    tool_choice: "auto" as const,
    user: call.user,
    stream: true as const,
  };
  // The tool's strings are checked by the studio's own rules (size-rules.ts), wider than the SDK's unions.
  return body as OpenAI.Responses.ResponseCreateParamsStreaming;
}

/**
 * Images arrive as `Sunk`: the partials' `partial_image_b64`, the call's `result` (nested in its
 * output item, and once more in `response.completed`'s copy of the output). `image_url` too: a
 * gateway that echoes the request's tools in `response.created` echoes the mask's data URL, which
 * may be larger than the reader holds in memory; it is streamed to a sink and dropped.
 */
const IMAGE_FIELDS: ReadonlySet<string> = new Set(["partial_image_b64", "result", "image_url"]);

const partialSchema = z.object({ partial_image_b64: sunk, partial_image_index: z.number().int().min(0), ...echoFields });
const itemDoneSchema = z.object({ item: z.object({ type: z.string() }).loose() });
const imageCallSchema = z.object({ result: sunk.nullish(), revised_prompt: z.string().nullish(), ...echoFields });
const textDeltaSchema = z.object({ delta: z.string() });
const completedSchema = z.object({
  response: z.object({ usage: usageSchema.nullish(), tool_usage: z.object({ image_gen: usageSchema.nullish() }).loose().nullish() }),
});
const failedSchema = z.object({
  response: z.object({
    error: z.object({ code: z.string().nullish(), message: z.string() }).loose().nullish(),
    incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
  }),
});

/** Every event is handed on as it arrives: nothing is held for a later one. */
function conversationEvents<T>(): EventDecoder<T, ConversationEvent<T>> {
  let text = "";
  let toolCalls = 0;
  let images = 0;
  return {
    imageFields: IMAGE_FIELDS,
    last: { type: "done", unfinished: "The gateway's stream ended before the response was complete." },
    decode(message): ConversationEvent<T> | null {
      switch (message.json.type) {
        case "response.output_text.delta": {
          const { delta } = parse(textDeltaSchema, message.json);
          text += delta;
          return delta ? { type: "text", delta } : null;
        }
        case "response.image_generation_call.in_progress":
          return { type: "drawing" };
        case "response.image_generation_call.partial_image": {
          const data = parse(partialSchema, message.json);
          return { type: "partial", index: data.partial_image_index, image: data.partial_image_b64.value as T, echo: echoOf(data) };
        }
        case "response.output_item.done": {
          const picture = toolPicture<T>(message);
          if (picture === undefined) return null;
          toolCalls += 1;
          if (picture === null) return null;
          images += 1;
          return picture;
        }
        case "response.completed": {
          const { response } = parse(completedSchema, message.json);
          message.discard(); // its copy of the output, images included
          return { type: "done", usage: response.usage ?? null, toolUsage: response.tool_usage?.image_gen ?? null, text, toolCalls, images };
        }
        case "response.failed":
        case "response.incomplete":
          message.discard();
          throw failure(message.json);
        default:
          message.discard();
          return null;
      }
    },
    abort: () => undefined,
  };
}

/**
 * A finished output item: the tool's picture (`completed`), a tool call that gave none (null), or
 * not a tool call at all (undefined: the text model's message). Only a picture keeps its image.
 */
function toolPicture<T>(message: JsonMessage): GatewayEvent<T> | null | undefined {
  const { item } = parse(itemDoneSchema, message.json);
  if (item.type !== "image_generation_call") {
    message.discard();
    return undefined;
  }
  const data = parse(imageCallSchema, item);
  if (!data.result) {
    message.discard();
    return null;
  }
  return { type: "completed", image: data.result.value as T, echo: echoOf(data), usage: null, revisedPrompt: data.revised_prompt ?? null };
}

/**
 * A failed response reads as the mid-stream error it is (a refusal stays a refusal: errors.ts);
 * an incomplete one (a cut-off answer) too.
 */
function failure(json: Record<string, unknown>): GatewayError {
  const { response } = parse(failedSchema, json);
  const reason = response.incomplete_details?.reason;
  const error = response.error ?? { code: reason ? `incomplete_${reason}` : "response_failed", message: `The response ended unfinished${reason ? ` (${reason})` : ""}.` };
  return toGatewayError(new APIError(undefined, error, undefined, new Headers()));
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const data = schema.safeParse(raw);
  if (!data.success) throw badEvent(data.error);
  return data.data;
}

import "server-only";
import type OpenAI from "openai";
import { APIError } from "openai";
import { z } from "zod";
import type { Gateway } from "@/lib/env";
import { badEvent, streamEvents, usageSchema, type EventDecoder, type GatewayEvent, type ImageSink, type JsonMessage, type StreamLimits } from "@/lib/gateway/client";
import type { InputImage } from "@/lib/gateway/edit";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import type { ImageCall } from "@/lib/gateway/generate";
import { echoFields, echoOf, sunk } from "@/lib/gateway/image-events";

/**
 * `POST /v1/responses` with the image_generation tool forced (agent mode): an agent model writes
 * the picture through the tool, and may say something beside it.
 */
export type ResponsesCall = {
  /** The agent model (the brief's gpt-5.5), not the image model. */
  model: string;
  prompt: string;
  /** Pictures the prompt refers to, sent inline; sub2api keeps no context between calls. */
  images?: InputImage[];
  tool: Omit<ImageCall, "model" | "prompt" | "user"> & {
    /** The image model the tool uses, when not the gateway's default. */
    model?: string;
    action?: "generate" | "edit" | "auto";
  };
  /** The studio user's id, sent as the brief's `user` for the gateway's audit. */
  user: string;
};

/** Same yields and failures as generateImage; the completed event also carries the agent's text. */
export function respondWithImageTool<T>(gateway: Gateway, call: ResponsesCall, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<GatewayEvent<T>> {
  const body = requestBody(call);
  return streamEvents(gateway, limits, openSink, {
    send: (client, signal) => client.responses.create(body, { signal }).asResponse(),
    decoder: responseEvents<T>(),
  });
}

function requestBody(call: ResponsesCall): OpenAI.Responses.ResponseCreateParamsStreaming {
  const images = (call.images ?? []).map((image) => ({
    type: "input_image" as const,
    detail: "auto" as const,
    image_url: `data:${image.type};base64,${image.bytes.toString("base64")}`,
  }));
  const body = {
    model: call.model,
    input: [{ role: "user" as const, content: [{ type: "input_text" as const, text: call.prompt }, ...images] }],
    tools: [{ type: "image_generation" as const, ...call.tool }],
    tool_choice: { type: "image_generation" as const },
    user: call.user,
    stream: true as const,
  };
  // The tool's strings are checked by the studio's own rules (size-rules.ts), wider than the SDK's unions.
  return body as OpenAI.Responses.ResponseCreateParamsStreaming;
}

// Both images arrive as `Sunk`: the partials' `partial_image_b64`, and the call's `result`, nested in
// its output item (and once more inside `response.completed`'s copy of the whole output).
const IMAGE_FIELDS: ReadonlySet<string> = new Set(["partial_image_b64", "result"]);

const partialSchema = z.object({ partial_image_b64: sunk, partial_image_index: z.number().int().min(0), ...echoFields });
const itemDoneSchema = z.object({ item: z.object({ type: z.string() }).loose() });
const imageCallSchema = z.object({ result: sunk.nullish(), revised_prompt: z.string().nullish(), ...echoFields });
const textDeltaSchema = z.object({ delta: z.string() });
const completedSchema = z.object({ response: z.object({ usage: usageSchema.nullish() }) });
const failedSchema = z.object({
  response: z.object({
    error: z.object({ code: z.string().nullish(), message: z.string() }).loose().nullish(),
    incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
  }),
});

type Kept<T> = { message: JsonMessage; completed: Omit<Extract<GatewayEvent<T>, { type: "completed" }>, "usage" | "text"> };

/**
 * The completed image is the tool call's output item, but the event waits for `response.completed`
 * (the usage, and the end of the text): the item's message is kept until then.
 */
function responseEvents<T>(): EventDecoder<T> {
  let kept: Kept<T> | null = null;
  let text = "";
  return {
    imageFields: IMAGE_FIELDS,
    decode(message) {
      switch (message.json.type) {
        case "response.image_generation_call.partial_image": {
          const data = parse(partialSchema, message.json);
          return { type: "partial", index: data.partial_image_index, image: data.partial_image_b64.value as T, echo: echoOf(data) };
        }
        case "response.output_text.delta":
          text += parse(textDeltaSchema, message.json).delta;
          return null;
        case "response.output_item.done":
          if (!kept) kept = imageItem<T>(message);
          if (kept?.message !== message) message.discard();
          return null;
        case "response.completed": {
          const usage = parse(completedSchema, message.json).response.usage ?? null;
          message.discard(); // its copy of the output, images included
          if (!kept) throw noImage(text);
          return { ...kept.completed, usage, ...(text ? { text } : {}) };
        }
        case "response.failed":
        case "response.incomplete":
          throw failure(message.json);
        default:
          message.discard();
          return null;
      }
    },
    abort: () => kept?.message.discard(),
  };
}

/** An output item that is the tool's finished picture; other items (the agent's message) are not. */
function imageItem<T>(message: JsonMessage): Kept<T> | null {
  const { item } = parse(itemDoneSchema, message.json);
  if (item.type !== "image_generation_call") return null;
  const data = parse(imageCallSchema, item);
  if (!data.result) return null;
  return { message, completed: { type: "completed", image: data.result.value as T, echo: echoOf(data), revisedPrompt: data.revised_prompt ?? null } };
}

/** The contract's "refusal turned into text": the upstream gave no image, which a retry may. */
function noImage(text: string): GatewayError {
  const said = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return new GatewayError("upstream", "no_image", `The agent answered without an image${said ? `: ${said}` : "."}`);
}

/** A failed response reads as the mid-stream error it is; an incomplete one (a cut-off answer) too. */
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

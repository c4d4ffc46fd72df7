import "server-only";
import { z } from "zod";
import { badEvent, usageSchema, type Echo, type EventDecoder, type GatewayEvent, type JsonMessage } from "@/lib/gateway/client";
import { Sunk } from "@/lib/gateway/event-stream";

/**
 * The Images API's streamed events, shared by generations and edits: they differ only in the
 * event names (`image_generation.*`, `image_edit.*`).
 */
export type ImageEventNames = { partial: string; completed: string };

/** An image field as the reader left it: streamed into a sink (a string value; anything else fails). */
export const sunk = z.instanceof(Sunk, { error: "expected the image as a base64 string" });

export const echoFields = {
  size: z.string().optional(),
  quality: z.string().optional(),
  background: z.string().optional(),
  output_format: z.string().optional(),
};

export function echoOf(data: { size?: string; quality?: string; background?: string; output_format?: string }): Echo {
  return { size: data.size, quality: data.quality, background: data.background, outputFormat: data.output_format };
}

const IMAGE_FIELDS: ReadonlySet<string> = new Set(["b64_json"]);

/** Every message is a partial or the completed image; anything else is not what the API sends. */
export function imageEvents<T>(names: ImageEventNames): EventDecoder<T> {
  const partialSchema = z.object({ type: z.literal(names.partial), b64_json: sunk, partial_image_index: z.number().int().min(0), ...echoFields });
  const completedSchema = z.object({
    type: z.literal(names.completed),
    b64_json: sunk,
    usage: usageSchema.nullish(),
    revised_prompt: z.string().nullish(),
    ...echoFields,
  });
  return {
    imageFields: IMAGE_FIELDS,
    decode({ json }: JsonMessage): GatewayEvent<T> {
      if (json.type === names.partial) {
        const data = partialSchema.safeParse(json);
        if (!data.success) throw badEvent(data.error);
        return { type: "partial", index: data.data.partial_image_index, image: data.data.b64_json.value as T, echo: echoOf(data.data) };
      }
      const data = completedSchema.safeParse(json);
      if (!data.success) throw badEvent(data.error);
      return { type: "completed", image: data.data.b64_json.value as T, echo: echoOf(data.data), usage: data.data.usage ?? null, revisedPrompt: data.data.revised_prompt ?? null };
    },
    // Every message is handed on at once: nothing is kept for later.
    abort: () => undefined,
  };
}

import type { GenerationParameters } from "@/lib/generations/parameters";
import type { GenerationInput } from "@/lib/generations/request-schema";

/** The request schema's field names, checked here; the values are checked by the schema itself. */
export type RegenerateInput = { [K in keyof GenerationInput]-?: unknown };

/**
 * A past generation's parameters as a new request, under the names the request schema reads
 * (the gateway's). It goes through the same validation as a fresh one: a setting refused since
 * (a transparent background switched off) is refused by name, not silently changed.
 */
export function regenerateInput(asked: GenerationParameters): Partial<RegenerateInput> {
  return {
    prompt: asked.prompt,
    model: asked.model,
    size: asked.size,
    quality: asked.quality,
    output_format: asked.outputFormat,
    ...(asked.outputCompression === null ? {} : { output_compression: asked.outputCompression }),
    background: asked.background,
    moderation: asked.moderation,
    n: asked.n,
    partial_images: asked.partialImages,
    fallback: asked.fallback,
  };
}

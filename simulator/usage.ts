/**
 * Plausible token usage: it grows with pixels and quality, charges partial images and input images,
 * and its totals add up, so cost code in the studio sees realistic numbers.
 */
import type { Dimensions } from "../lib/images/size-rules";
import type { Quality } from "./params";

export type Usage = {
  input_tokens: number;
  input_tokens_details: { image_tokens: number; text_tokens: number };
  output_tokens: number;
  output_tokens_details: { image_tokens: number; text_tokens: number };
  total_tokens: number;
};

/** Output image tokens for one 1024x1024 image at each quality. */
const TOKENS_PER_1024_SQUARE: Record<Quality, number> = { low: 272, medium: 1056, high: 4160 };
/** The contract says partials cost extra output tokens; this is what each one adds. */
const PARTIAL_IMAGE_TOKENS = 100;
/** Input images are billed per 512x512 tile. */
const TOKENS_PER_INPUT_TILE = 65;
const INPUT_TILE = 512;

function outputImageTokens({ width, height }: Dimensions, quality: Quality): number {
  return Math.round(((width * height) / (1024 * 1024)) * TOKENS_PER_1024_SQUARE[quality]);
}

function inputImageTokens({ width, height }: Dimensions): number {
  return Math.ceil(width / INPUT_TILE) * Math.ceil(height / INPUT_TILE) * TOKENS_PER_INPUT_TILE;
}

export type UsageInput = {
  prompt: string;
  quality: Quality;
  /** Every image returned. */
  outputs: Dimensions[];
  partials: number;
  inputImages: Dimensions[];
};

export function computeUsage({ prompt, quality, outputs, partials, inputImages }: UsageInput): Usage {
  const textTokens = Math.ceil(prompt.length / 4);
  const inputImageTotal = inputImages.reduce((sum, dims) => sum + inputImageTokens(dims), 0);
  const outputImageTotal =
    outputs.reduce((sum, dims) => sum + outputImageTokens(dims, quality), 0) + partials * PARTIAL_IMAGE_TOKENS;
  const inputTokens = textTokens + inputImageTotal;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { image_tokens: inputImageTotal, text_tokens: textTokens },
    output_tokens: outputImageTotal,
    output_tokens_details: { image_tokens: outputImageTotal, text_tokens: 0 },
    total_tokens: inputTokens + outputImageTotal,
  };
}

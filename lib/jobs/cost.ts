import "server-only";
import type { Env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";
import { resolveSize } from "@/lib/images/size-rules";

/**
 * Dollars per million tokens of each kind, for one model: the settings' PRICE_* (the contract's
 * public prices by default) with that model's own from PRICES_BY_MODEL over them. The prices an
 * attempt was priced at are stored beside its cost (`attempts.prices`), so a later change of
 * prices never rewrites history.
 */
export type PriceSnapshot = {
  textInputPerM: number;
  cachedTextInputPerM: number;
  imageInputPerM: number;
  cachedImageInputPerM: number;
  imageOutputPerM: number;
  textOutputPerM: number;
};

type PriceSettings = Pick<
  Env,
  | "PRICE_TEXT_INPUT_PER_M"
  | "PRICE_CACHED_TEXT_INPUT_PER_M"
  | "PRICE_IMAGE_INPUT_PER_M"
  | "PRICE_CACHED_IMAGE_INPUT_PER_M"
  | "PRICE_IMAGE_OUTPUT_PER_M"
  | "PRICE_TEXT_OUTPUT_PER_M"
  | "PRICES_BY_MODEL"
>;

export function pricesFor(model: string, settings: PriceSettings): PriceSnapshot {
  const own = Object.hasOwn(settings.PRICES_BY_MODEL, model) ? settings.PRICES_BY_MODEL[model] : undefined;
  return {
    textInputPerM: own?.textInputPerM ?? settings.PRICE_TEXT_INPUT_PER_M,
    cachedTextInputPerM: own?.cachedTextInputPerM ?? settings.PRICE_CACHED_TEXT_INPUT_PER_M,
    imageInputPerM: own?.imageInputPerM ?? settings.PRICE_IMAGE_INPUT_PER_M,
    cachedImageInputPerM: own?.cachedImageInputPerM ?? settings.PRICE_CACHED_IMAGE_INPUT_PER_M,
    imageOutputPerM: own?.imageOutputPerM ?? settings.PRICE_IMAGE_OUTPUT_PER_M,
    textOutputPerM: own?.textOutputPerM ?? settings.PRICE_TEXT_OUTPUT_PER_M,
  };
}

/**
 * Dollars for one usage record. Cached input tokens (`input_tokens_details.cached_tokens`, as the
 * Responses API reports them) are billed at the cached prices; the usage does not say which kind
 * they were, so they are counted against the text tokens first, then the image tokens.
 */
export function costOf(usage: Usage, prices: PriceSnapshot): number {
  const inImage = usage.input_tokens_details?.image_tokens ?? 0;
  const inText = usage.input_tokens_details?.text_tokens ?? Math.max(0, usage.input_tokens - inImage);
  const cached = Math.max(0, usage.input_tokens_details?.cached_tokens ?? 0);
  const cachedText = Math.min(cached, inText);
  const cachedImage = Math.min(cached - cachedText, inImage);
  const outText = usage.output_tokens_details?.text_tokens ?? 0;
  const outImage = usage.output_tokens_details?.image_tokens ?? Math.max(0, usage.output_tokens - outText);
  const dollars =
    (inText - cachedText) * prices.textInputPerM +
    cachedText * prices.cachedTextInputPerM +
    (inImage - cachedImage) * prices.imageInputPerM +
    cachedImage * prices.cachedImageInputPerM +
    outImage * prices.imageOutputPerM +
    outText * prices.textOutputPerM;
  return dollars / 1_000_000;
}

/** Dollars at the six decimals the ledger keeps (numeric(12,6)), so sums and estimates match it. */
export function roundUsd(dollars: number): number {
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

/** An attempt's cost at today's prices, with the prices, for the ledger; nothing without usage. */
export type PricedUsage = { costUsd: number; prices: PriceSnapshot };

export function priced(usage: Usage | null | undefined, prices: PriceSnapshot): PricedUsage | undefined {
  return usage ? { costUsd: costOf(usage, prices), prices } : undefined;
}

/**
 * A text model's usage (an agent turn's `response.usage`) as `costOf` reads it: it names no image
 * tokens, and without them `costOf` would take its output for image output. Its input pictures are
 * input tokens of the text model, billed as such.
 */
export function pricedAsText(usage: Usage | null | undefined, prices: PriceSnapshot): PricedUsage | undefined {
  if (!usage) return undefined;
  const cached = usage.input_tokens_details?.cached_tokens;
  const text: Usage = {
    ...usage,
    input_tokens_details: { text_tokens: usage.input_tokens, image_tokens: 0, ...(cached !== undefined ? { cached_tokens: cached } : {}) },
    output_tokens_details: { text_tokens: usage.output_tokens, image_tokens: 0 },
  };
  return priced(text, prices);
}

/**
 * gpt-image-2 output image tokens for one 1024x1024 image at each quality; other sizes scale with
 * their pixels, and each partial preview adds PARTIAL_IMAGE_TOKENS. The same formula the simulator
 * bills with (simulator/usage.ts). `auto` quality counts as medium, `auto` size as AUTO_SIZE.
 */
export const OUTPUT_TOKENS_PER_1024_SQUARE = { low: 272, medium: 1056, high: 4160 } as const;
export const PARTIAL_IMAGE_TOKENS = 100;

export function outputTokensFor(size: string, quality: string, partialImages: number): number {
  const { width, height } = resolveSize(size);
  const key = quality === "low" || quality === "high" ? quality : "medium";
  return Math.round(((width * height) / (1024 * 1024)) * OUTPUT_TOKENS_PER_1024_SQUARE[key]) + partialImages * PARTIAL_IMAGE_TOKENS;
}

/** Cost of one image from the price table alone (the prompt's few text tokens are left out). */
export function tableCostPerImage(size: string, quality: string, partialImages: number, prices: PriceSnapshot): number {
  return (outputTokensFor(size, quality, partialImages) * prices.imageOutputPerM) / 1_000_000;
}

import "server-only";
import type { Env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";
import { resolveSize } from "@/lib/images/size-rules";

/** Dollars for one usage record, from the configurable per-million-token prices. */
export type Prices = Pick<Env, "PRICE_TEXT_INPUT_PER_M" | "PRICE_IMAGE_INPUT_PER_M" | "PRICE_IMAGE_OUTPUT_PER_M" | "PRICE_TEXT_OUTPUT_PER_M">;

/** The prices an attempt was priced at, stored beside its cost (`attempts.prices`). */
export type PriceSnapshot = { textInputPerM: number; imageInputPerM: number; imageOutputPerM: number; textOutputPerM: number };

export function costOf(usage: Usage, prices: Prices): number {
  const inImage = usage.input_tokens_details?.image_tokens ?? 0;
  const inText = usage.input_tokens_details?.text_tokens ?? Math.max(0, usage.input_tokens - inImage);
  const outText = usage.output_tokens_details?.text_tokens ?? 0;
  const outImage = usage.output_tokens_details?.image_tokens ?? Math.max(0, usage.output_tokens - outText);
  const dollars =
    inText * prices.PRICE_TEXT_INPUT_PER_M +
    inImage * prices.PRICE_IMAGE_INPUT_PER_M +
    outImage * prices.PRICE_IMAGE_OUTPUT_PER_M +
    outText * prices.PRICE_TEXT_OUTPUT_PER_M;
  return dollars / 1_000_000;
}

/** Dollars at the six decimals the ledger keeps (numeric(12,6)), so sums and estimates match it. */
export function roundUsd(dollars: number): number {
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

export function snapshotOf(prices: Prices): PriceSnapshot {
  return {
    textInputPerM: prices.PRICE_TEXT_INPUT_PER_M,
    imageInputPerM: prices.PRICE_IMAGE_INPUT_PER_M,
    imageOutputPerM: prices.PRICE_IMAGE_OUTPUT_PER_M,
    textOutputPerM: prices.PRICE_TEXT_OUTPUT_PER_M,
  };
}

/** An attempt's cost at today's prices, with the prices, for the ledger; nothing without usage. */
export type PricedUsage = { costUsd: number; prices: PriceSnapshot };

export function priced(usage: Usage | null | undefined, prices: Prices): PricedUsage | undefined {
  return usage ? { costUsd: costOf(usage, prices), prices: snapshotOf(prices) } : undefined;
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
export function tableCostPerImage(size: string, quality: string, partialImages: number, prices: Prices): number {
  return (outputTokensFor(size, quality, partialImages) * prices.PRICE_IMAGE_OUTPUT_PER_M) / 1_000_000;
}

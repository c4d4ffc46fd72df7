import "server-only";
import type { Env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";

/** Dollars for one usage record, from the configurable per-million-token prices. */
export type Prices = Pick<Env, "PRICE_TEXT_INPUT_PER_M" | "PRICE_IMAGE_INPUT_PER_M" | "PRICE_IMAGE_OUTPUT_PER_M" | "PRICE_TEXT_OUTPUT_PER_M">;

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

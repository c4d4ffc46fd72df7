import "server-only";
import { estimateHistory } from "@/lib/db/usage";
import type { Env } from "@/lib/env";
import { pricesFor, roundUsd, tableCostPerImage } from "@/lib/jobs/cost";
import { MODELS } from "@/lib/generations/request-schema";

/**
 * The expected cost and time of a request, from this studio's own history (the owner's latest
 * done generations of the same size and quality), or, with none yet, from the price table and the
 * size's output-token count (lib/jobs/cost.ts), with no time. Format does not change the tokens
 * billed, so it is not matched on.
 */
export type EstimateInput = { size: string; quality: string; output_format: string; n: number; partial_images: number };

export type Estimate = {
  costUsd: number;
  costPerImageUsd: number;
  latencyP50Ms: number | null;
  latencyP90Ms: number | null;
  /** How many past generations it rests on (0 for the price table). */
  basedOn: number;
  source: "history" | "price_table";
};

export async function estimateFor(ownerId: string, input: EstimateInput, prices: Env): Promise<Estimate> {
  const history = await estimateHistory(ownerId, input.size, input.quality);
  if (history.costPerImageUsd !== null) {
    return {
      costUsd: roundUsd(history.costPerImageUsd * input.n),
      costPerImageUsd: roundUsd(history.costPerImageUsd),
      latencyP50Ms: history.latencyP50Ms,
      latencyP90Ms: history.latencyP90Ms,
      basedOn: history.basedOn,
      source: "history",
    };
  }
  // The estimate is for the studio's default model: its form does not choose another.
  const perImage = tableCostPerImage(input.size, input.quality, input.partial_images, pricesFor(MODELS[0], prices));
  return { costUsd: roundUsd(perImage * input.n), costPerImageUsd: roundUsd(perImage), latencyP50Ms: null, latencyP90Ms: null, basedOn: 0, source: "price_table" };
}

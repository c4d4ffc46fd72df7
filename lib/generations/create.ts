import "server-only";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { budgetStatus, enforceBudgets } from "@/lib/generations/budget";
import { estimateFor } from "@/lib/generations/estimate";
import { checkGenerationRequest } from "@/lib/generations/request-schema";
import { localRunner } from "@/lib/jobs/local-runner";
import { enqueueGeneration } from "@/lib/jobs/queue";

/**
 * Validates and queues a generation for an owner: the one path behind the studio's server action
 * and `POST /api/generations`. Nothing reaches the gateway unless this accepts the request. With a
 * budget set, a request whose estimate would pass it is refused here (402 budget_exceeded); with
 * none, no estimate is looked up.
 */
export async function createGeneration(ownerId: string, input: unknown): Promise<{ id: string }> {
  const settings = env();
  const check = checkGenerationRequest(input, { allowTransparent: settings.ALLOW_TRANSPARENT_BACKGROUND });
  if (!check.ok) throw new ApiError(422, check.code, check.message, check.field);
  // Budgets are per user (saved, or the settings' defaults): the estimate is looked up only when one is set.
  const budgets = await budgetStatus(ownerId, settings);
  if (budgets.length > 0) enforceBudgets(budgets, (await estimateFor(ownerId, check.request, settings)).costUsd);
  return enqueueGeneration(ownerId, check.request, settings.gateway, localRunner());
}

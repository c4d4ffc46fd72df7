import { saveBudgets } from "@/lib/db/budgets";
import { env } from "@/lib/env";
import { validate } from "@/lib/errors";
import { budgetOverview } from "@/lib/generations/budget";
import { readJson, route } from "@/lib/http/route";
import { budgetBody } from "@/lib/usage/budget-input";

export const dynamic = "force-dynamic";

const fresh = { headers: { "Cache-Control": "no-store" } };

/** The owner's daily and monthly limits (null: none), what is spent in each period and what is left. */
export const GET = route(async ({ ownerId }) => Response.json(await budgetOverview(ownerId, env()), fresh));

/** Saves both limits (`{dailyUsd, monthlyUsd}`, null: no limit); a bad value is a 422 naming it and saves nothing. */
export const PUT = route(async ({ request, ownerId }) => {
  const { dailyUsd, monthlyUsd } = validate(budgetBody, await readJson(request));
  await saveBudgets(ownerId, { dailyUsd, monthlyUsd });
  return Response.json(await budgetOverview(ownerId, env()), fresh);
});

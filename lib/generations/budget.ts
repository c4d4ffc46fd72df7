import "server-only";
import { spentSince } from "@/lib/db/attempts";
import type { Env } from "@/lib/env";
import { ApiError } from "@/lib/errors";

/**
 * The optional cost limits (BUDGET_DAILY_USD, BUDGET_MONTHLY_USD), per user, over the UTC day and
 * the UTC calendar month so far. What is spent is the ledger's: every attempt's cost as priced
 * when it closed. Generations still queued or running count only for what they have cost so far.
 */
export type BudgetPeriod = { period: "daily" | "monthly"; limitUsd: number; spentUsd: number; leftUsd: number; since: string };

export function periodStart(period: "daily" | "monthly", now: Date): Date {
  return period === "daily"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Each budget that is set, with what is spent and left in its period; empty when none is. */
export async function budgetStatus(ownerId: string, settings: Env, now = new Date()): Promise<BudgetPeriod[]> {
  const limits = [
    { period: "daily" as const, limitUsd: settings.BUDGET_DAILY_USD },
    { period: "monthly" as const, limitUsd: settings.BUDGET_MONTHLY_USD },
  ].filter((l): l is { period: "daily" | "monthly"; limitUsd: number } => l.limitUsd !== undefined);
  return Promise.all(
    limits.map(async ({ period, limitUsd }) => {
      const since = periodStart(period, now);
      const spentUsd = await spentSince(ownerId, since);
      return { period, limitUsd, spentUsd, leftUsd: Math.max(0, limitUsd - spentUsd), since: since.toISOString() };
    }),
  );
}

const usd = (dollars: number) => `$${dollars.toFixed(dollars < 1 ? 4 : 2)}`;

/** Refuses (402 budget_exceeded) a request whose estimated cost would pass a budget. */
export function enforceBudgets(budgets: BudgetPeriod[], estimateUsd: number): void {
  const passed = budgets.find((b) => b.spentUsd + estimateUsd > b.limitUsd);
  if (!passed) return;
  const span = passed.period === "daily" ? "today (UTC)" : "this month (UTC)";
  throw new ApiError(
    402,
    "budget_exceeded",
    `Not sent: this generation is estimated at ${usd(estimateUsd)}, over the ${passed.period} budget of ${usd(passed.limitUsd)}: ` +
      `${usd(passed.spentUsd)} spent ${span}, ${usd(passed.leftUsd)} left.`,
  );
}

import "server-only";
import { spentSince } from "@/lib/db/usage";
import { savedBudgets } from "@/lib/db/budgets";
import type { Env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { roundUsd } from "@/lib/jobs/cost";

/**
 * The optional cost limits per user, over the UTC day and the UTC calendar month so far. A person's
 * saved limits win (a saved "no limit" too); until they save any, the settings' BUDGET_DAILY_USD
 * and BUDGET_MONTHLY_USD are the defaults. What is spent is the ledger's: every attempt's cost as
 * priced when it closed. Generations still queued or running count only for what they have cost so far.
 */
type Period = "daily" | "monthly";
export type BudgetPeriod = { period: Period; limitUsd: number; spentUsd: number; leftUsd: number; since: string };
export type BudgetLimits = { dailyUsd: number | null; monthlyUsd: number | null; source: "saved" | "settings" };

export function periodStart(period: Period, now: Date): Date {
  return period === "daily"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export async function budgetLimits(ownerId: string, settings: Env): Promise<BudgetLimits> {
  const saved = await savedBudgets(ownerId);
  if (saved) return { dailyUsd: saved.dailyUsd, monthlyUsd: saved.monthlyUsd, source: "saved" };
  return { dailyUsd: settings.BUDGET_DAILY_USD ?? null, monthlyUsd: settings.BUDGET_MONTHLY_USD ?? null, source: "settings" };
}

async function spentIn(ownerId: string, period: Period, now: Date) {
  const since = periodStart(period, now);
  return { since, spentUsd: await spentSince(ownerId, since) };
}

const leftOf = (limitUsd: number, spentUsd: number) => roundUsd(Math.max(0, limitUsd - spentUsd));

/** Each budget that is set, with what is spent and left in its period; empty when none is. */
export async function budgetStatus(ownerId: string, settings: Env, now = new Date()): Promise<BudgetPeriod[]> {
  const limits = await budgetLimits(ownerId, settings);
  const set = [
    { period: "daily" as const, limitUsd: limits.dailyUsd },
    { period: "monthly" as const, limitUsd: limits.monthlyUsd },
  ].filter((l): l is { period: Period; limitUsd: number } => l.limitUsd !== null);
  return Promise.all(
    set.map(async ({ period, limitUsd }) => {
      const { since, spentUsd } = await spentIn(ownerId, period, now);
      return { period, limitUsd, spentUsd, leftUsd: leftOf(limitUsd, spentUsd), since: since.toISOString() };
    }),
  );
}

export type BudgetSide = { limitUsd: number | null; spentUsd: number; leftUsd: number | null };
export type BudgetOverview = { daily: BudgetSide; monthly: BudgetSide; source: BudgetLimits["source"] };

/** Both periods, set or not, with what is spent in each: what the usage page and GET /api/budgets show. */
export async function budgetOverview(ownerId: string, settings: Env, now = new Date()): Promise<BudgetOverview> {
  const [limits, day, month] = await Promise.all([budgetLimits(ownerId, settings), spentIn(ownerId, "daily", now), spentIn(ownerId, "monthly", now)]);
  const side = (limitUsd: number | null, spentUsd: number): BudgetSide => ({ limitUsd, spentUsd, leftUsd: limitUsd === null ? null : leftOf(limitUsd, spentUsd) });
  return { daily: side(limits.dailyUsd, day.spentUsd), monthly: side(limits.monthlyUsd, month.spentUsd), source: limits.source };
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

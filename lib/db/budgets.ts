import "server-only";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";

/**
 * A person's saved cost limits, on their `users` row. `null` from `savedBudgets` means they have
 * never saved any (the settings' limits apply); once saved, a null limit means "no limit".
 */
export type SavedBudgets = { dailyUsd: number | null; monthlyUsd: number | null; savedAt: Date };

const asNumber = (value: { toString(): string } | null) => (value === null ? null : Number(value.toString()));

export async function savedBudgets(ownerId: string): Promise<SavedBudgets | null> {
  const row = await db().user.findUnique({
    where: { id: ownerId },
    select: { dailyBudgetUsd: true, monthlyBudgetUsd: true, budgetsSavedAt: true },
  });
  if (!row?.budgetsSavedAt) return null;
  return { dailyUsd: asNumber(row.dailyBudgetUsd), monthlyUsd: asNumber(row.monthlyBudgetUsd), savedAt: row.budgetsSavedAt };
}

/** Saves both limits at once (already validated: at most 4 decimals, as the column keeps). */
export async function saveBudgets(ownerId: string, limits: { dailyUsd: number | null; monthlyUsd: number | null }): Promise<SavedBudgets> {
  const savedAt = new Date();
  const { count } = await db().user.updateMany({
    where: { id: ownerId },
    data: {
      dailyBudgetUsd: limits.dailyUsd === null ? null : limits.dailyUsd.toFixed(4),
      monthlyBudgetUsd: limits.monthlyUsd === null ? null : limits.monthlyUsd.toFixed(4),
      budgetsSavedAt: savedAt,
    },
  });
  if (count === 0) throw notFound("User");
  return { ...limits, savedAt };
}

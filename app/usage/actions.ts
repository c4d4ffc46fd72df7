"use server";

import { currentUserId } from "@/lib/auth/current-user";
import { saveBudgets as storeBudgets } from "@/lib/db/budgets";
import { env } from "@/lib/env";
import type { ApiErrorBody } from "@/lib/errors";
import { budgetOverview, type BudgetOverview } from "@/lib/generations/budget";
import { guarded } from "@/lib/http/action";
import { budgetFieldErrors, budgetForm, type BudgetFieldErrors } from "@/lib/usage/budget-input";

/** The budgets as typed in the form: strings, empty meaning no limit. */
export type BudgetValues = { daily: string; monthly: string };

export type BudgetsResult =
  | { ok: true; values: BudgetValues; overview: BudgetOverview; savedAt: string }
  | { ok: false; values: BudgetValues; fieldErrors: BudgetFieldErrors; error: ApiErrorBody };

const typed = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" ? String(value) : "");

/**
 * Saves the current user's daily and monthly budgets, from the usage page's form or a plain
 * `{daily, monthly}` (strings or numbers; empty or null: no limit). Both are checked before
 * anything is saved; every field at fault is named.
 */
export async function saveBudgets(input: FormData | { daily: unknown; monthly: unknown }): Promise<BudgetsResult> {
  // An action is a public endpoint: whatever arrives is read defensively, then checked.
  const given = (typeof input === "object" && input !== null ? input : {}) as { daily?: unknown; monthly?: unknown };
  const raw = input instanceof FormData ? { daily: input.get("daily"), monthly: input.get("monthly") } : { daily: given.daily, monthly: given.monthly };
  const values = { daily: typed(raw.daily), monthly: typed(raw.monthly) };
  const parsed = budgetForm.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = budgetFieldErrors(parsed.error);
    const field = fieldErrors.daily ? "daily" : "monthly";
    return { ok: false, values, fieldErrors, error: { code: "invalid_request", message: fieldErrors[field] ?? "The budgets are not valid", field } };
  }
  const result = await guarded(async () => {
    const ownerId = await currentUserId();
    const saved = await storeBudgets(ownerId, { dailyUsd: parsed.data.daily, monthlyUsd: parsed.data.monthly });
    return { saved, overview: await budgetOverview(ownerId, env()) };
  });
  if (!result.ok) return { ok: false, values, fieldErrors: {}, error: result.error };
  const shown = (limit: number | null) => (limit === null ? "" : String(limit));
  return { ok: true, values: { daily: shown(parsed.data.daily), monthly: shown(parsed.data.monthly) }, overview: result.value.overview, savedAt: result.value.saved.savedAt.toISOString() };
}

/** The form's action for `useActionState`. */
export async function submitBudgets(_previous: BudgetsResult | null, data: FormData): Promise<BudgetsResult> {
  return saveBudgets(data);
}

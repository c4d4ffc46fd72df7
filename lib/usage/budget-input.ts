import "server-only";
import { z } from "zod";

/**
 * A budget as a person or a script gives it, checked once for the usage page's form (strings,
 * empty = no limit) and for PUT /api/budgets (numbers, null = no limit): a dollar amount from 0 to
 * 1,000,000 with at most 4 decimals, the column's precision. Every message names the field.
 */
export const MAX_BUDGET_USD = 1_000_000;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function budgetAmount(label: string) {
  const notANumber = `${label} must be a number of US dollars, or empty for no limit`;
  return z.union([z.number(), z.string(), z.null()], { error: notANumber }).transform((value, ctx) => {
    const text = typeof value === "string" ? value.trim() : null;
    if (value === null || text === "") return null;
    const dollars = text === null ? (value as number) : DECIMAL.test(text) ? Number(text) : Number.NaN;
    const problem = !Number.isFinite(dollars)
      ? notANumber
      : dollars < 0
        ? `${label} must be 0 or more`
        : dollars > MAX_BUDGET_USD
          ? `${label} must be at most $1,000,000`
          : Number(dollars.toFixed(4)) !== dollars
            ? `${label} can have at most 4 decimals`
            : null;
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return dollars;
  });
}

/** The form's fields (`daily`, `monthly`). */
export const budgetForm = z.object({ daily: budgetAmount("Daily budget"), monthly: budgetAmount("Monthly budget") });

/** PUT /api/budgets: both keys, each a number or null; anything else is named. */
export const budgetBody = z
  .object(
    { dailyUsd: budgetAmount("Daily budget"), monthlyUsd: budgetAmount("Monthly budget") },
    { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${(issue.keys as string[]).join(", ")}` : "Send an object {dailyUsd, monthlyUsd}") },
  )
  .strict();

export type BudgetFieldErrors = Partial<Record<"daily" | "monthly", string>>;

/** Every field at fault (not only the first), by the form's names. */
export function budgetFieldErrors(error: z.ZodError): BudgetFieldErrors {
  const errors: BudgetFieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "");
    const field = key.startsWith("daily") ? "daily" : key.startsWith("monthly") ? "monthly" : null;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

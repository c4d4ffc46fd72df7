"use client";

import { useActionState, useState, type FormEvent } from "react";
import { submitBudgets, type BudgetValues } from "@/app/usage/actions";
import { controlClass } from "@/components/studio/field";
import type { BudgetOverview } from "@/lib/generations/budget";
import { BudgetSpent } from "./budget-spent";

type Name = keyof BudgetValues;
const FIELDS: { name: Name; label: string; span: string }[] = [
  { name: "daily", label: "Daily budget", span: "UTC day" },
  { name: "monthly", label: "Monthly budget", span: "UTC calendar month" },
];

const shown = (limit: number | null) => (limit === null ? "" : String(limit));

/**
 * The person's daily and monthly cost limits, saved by a server action that checks both (the
 * browser's own checks are off, so its messages and the API's are the same). What the action
 * answers replaces the spent/left figures; the inputs show what was saved, or what was typed.
 */
export function BudgetForm({ initial }: { initial: BudgetOverview }) {
  const [result, action, pending] = useActionState(submitBudgets, null);
  // A number input the browser cannot read posts as empty, which would save "no limit".
  const [unreadable, setUnreadable] = useState<Partial<Record<Name, string>>>({});
  const overview = result?.ok ? result.overview : initial;
  const values = result?.values ?? { daily: shown(initial.daily.limitUsd), monthly: shown(initial.monthly.limitUsd) };
  const errors = { ...(result && !result.ok ? result.fieldErrors : {}), ...unreadable };
  const otherError = result && !result.ok && !result.fieldErrors.daily && !result.fieldErrors.monthly ? result.error.message : null;

  function checkReadable(event: FormEvent<HTMLFormElement>) {
    const found: Partial<Record<Name, string>> = {};
    for (const { name, label } of FIELDS) {
      const input = event.currentTarget.elements.namedItem(name);
      if (input instanceof HTMLInputElement && input.validity.badInput) found[name] = `${label} must be a number of US dollars, or empty for no limit`;
    }
    setUnreadable(found);
    if (Object.keys(found).length > 0) event.preventDefault();
  }

  return (
    <section aria-labelledby="usage-budgets" className="space-y-4 rounded-xl border border-zinc-800 bg-zinc-900/40 p-5">
      <h2 id="usage-budgets" className="text-lg font-semibold">
        Budgets
      </h2>
      <BudgetSpent overview={overview} />
      <form action={action} onSubmit={checkReadable} noValidate className="flex flex-wrap items-start gap-4">
        {FIELDS.map(({ name, label, span }) => (
          <div key={name} className="w-52">
            <label htmlFor={`budget-${name}`} className="mb-1 block text-sm font-medium text-zinc-300">
              {label}
            </label>
            <input
              id={`budget-${name}`}
              name={name}
              type="number"
              inputMode="decimal"
              min={0}
              max={1_000_000}
              step="0.0001"
              placeholder="No limit"
              defaultValue={values[name]}
              aria-invalid={errors[name] ? true : undefined}
              aria-describedby={`budget-${name}-hint${errors[name] ? ` budget-${name}-error` : ""}`}
              className={controlClass}
            />
            <p id={`budget-${name}-hint`} className="mt-1 text-xs text-zinc-500">
              USD per {span}; empty for no limit
            </p>
            {errors[name] && (
              <p id={`budget-${name}-error`} role="alert" className="mt-1 text-xs text-red-400">
                {errors[name]}
              </p>
            )}
          </div>
        ))}
        <button
          type="submit"
          disabled={pending}
          aria-busy={pending || undefined}
          className="mt-6 rounded-md bg-sky-600 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:cursor-wait disabled:opacity-70"
        >
          Save budgets
        </button>
      </form>
      {otherError && (
        <p role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
          {otherError}
        </p>
      )}
      <p role="status" className="text-sm text-emerald-300">
        {result?.ok && !pending ? "Budgets saved" : ""}
      </p>
    </section>
  );
}

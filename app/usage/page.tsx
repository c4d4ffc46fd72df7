import type { Metadata } from "next";
import { BudgetForm } from "@/components/usage/budget-form";
import { UsageView } from "@/components/usage/usage-view";
import { currentUserId } from "@/lib/auth/current-user";
import { env } from "@/lib/env";
import { budgetOverview } from "@/lib/generations/budget";

/** Totals and budgets are the ledger's now; nothing here is worth prerendering. */
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Usage · Image Studio" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function UsagePage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const budgets = await budgetOverview(await currentUserId(), env());
  // This UTC month so far unless the URL says otherwise; a bad value goes to the API as it is, which names it.
  const today = new Date().toISOString().slice(0, 10);
  const initial = { from: one(query.from) ?? `${today.slice(0, 7)}-01`, to: one(query.to) ?? today, groupBy: one(query.groupBy) ?? "day" };
  return (
    <main className="mx-auto max-w-7xl space-y-8 px-4 py-6 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
      <UsageView initial={initial} />
      <BudgetForm initial={budgets} />
    </main>
  );
}

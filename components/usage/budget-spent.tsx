import type { BudgetOverview, BudgetSide } from "@/lib/generations/budget";
import { formatUsd } from "./format";

function line(side: BudgetSide, span: string, name: string): string {
  if (side.limitUsd === null || side.leftUsd === null) return `${formatUsd(side.spentUsd)} spent ${span}; no ${name} limit`;
  return `${formatUsd(side.spentUsd)} of ${formatUsd(side.limitUsd)} spent ${span}, ${formatUsd(side.leftUsd)} left`;
}

/** What each period has spent, and what is left of each budget that is set. */
export function BudgetSpent({ overview }: { overview: BudgetOverview }) {
  const anySet = overview.daily.limitUsd !== null || overview.monthly.limitUsd !== null;
  return (
    <div className="space-y-1 text-sm text-zinc-300">
      <p>{line(overview.daily, "today (UTC)", "daily")}</p>
      <p>{line(overview.monthly, "this month (UTC)", "monthly")}</p>
      {overview.source === "settings" && anySet && (
        <p className="text-xs text-zinc-500">These limits come from the server&apos;s settings until you save your own.</p>
      )}
    </div>
  );
}

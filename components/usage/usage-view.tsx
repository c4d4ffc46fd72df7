"use client";

import dynamic from "next/dynamic";
import { UsageControls } from "./usage-controls";
import { UsageTable } from "./usage-table";
import { useUsageParams, useUsageTotals, usageSearch, type UsageParams } from "./use-usage";

// recharts is fetched only here, after the page is interactive.
const UsageChart = dynamic(() => import("./usage-chart"), {
  ssr: false,
  loading: () => <p className="flex h-full items-center justify-center text-sm text-zinc-500">Loading chart…</p>,
});

/** Totals for a period: controls, the table, the chart beside it, and the CSV of the same figures. */
export function UsageView({ initial }: { initial: UsageParams }) {
  const [params, update] = useUsageParams(initial);
  const totals = useUsageTotals(params);
  const data = totals.data;

  return (
    <section aria-labelledby="usage-totals" className="space-y-4">
      <h2 id="usage-totals" className="text-lg font-semibold">
        Totals
      </h2>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <UsageControls params={params} onChange={update} />
        <a
          href={`/api/usage?${usageSearch(params, { format: "csv" })}`}
          download
          className="rounded-md border border-zinc-600 px-3 py-2 text-sm text-zinc-100 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          Export CSV
        </a>
      </div>

      {totals.isError ? (
        <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
          {totals.error.message}
        </div>
      ) : !data ? (
        <p role="status" className="text-sm text-zinc-400">
          Loading usage…
        </p>
      ) : data.rows.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-800 p-8 text-center text-sm text-zinc-500">No generations in this period</p>
      ) : (
        <div className={`grid gap-6 lg:grid-cols-2 ${totals.isPlaceholderData ? "opacity-60" : ""}`} aria-busy={totals.isPlaceholderData || undefined}>
          <UsageTable data={data} />
          <div role="img" aria-label={`Cost by ${data.group}`} className="h-72 rounded-xl border border-zinc-800 p-3">
            <UsageChart rows={data.rows} />
          </div>
        </div>
      )}
    </section>
  );
}

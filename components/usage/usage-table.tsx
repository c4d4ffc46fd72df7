import type { UsageTotal, UsageTotals } from "@/lib/usage/groups";
import { formatCost, formatCount } from "./format";

const cell = "px-3 py-2 text-right tabular-nums";

function Figures({ of }: { of: UsageTotal }) {
  return (
    <>
      <td className={cell}>{formatCount(of.requests)}</td>
      <td className={cell}>{formatCount(of.images)}</td>
      <td className={cell}>{formatCount(of.inputTokens)}</td>
      <td className={cell}>{formatCount(of.outputTokens)}</td>
      <td className={cell}>{formatCost(of.costUsd)}</td>
    </>
  );
}

/** The API's rows and total as they are: nothing is summed here, so the table agrees with the ledger. */
export function UsageTable({ data }: { data: UsageTotals }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-800">
      <table className="w-full text-sm">
        <caption className="px-3 py-2 text-left text-sm text-zinc-400">
          Usage from {data.from} to {data.to} (UTC), by {data.group}
        </caption>
        <thead className="border-y border-zinc-800 bg-zinc-900/60 text-xs uppercase tracking-wide text-zinc-400">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">Group</th>
            {["Requests", "Images", "Input tokens", "Output tokens", "Cost (USD)"].map((name) => (
              <th key={name} scope="col" className="px-3 py-2 text-right font-medium">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800/70">
          {data.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="max-w-56 truncate px-3 py-2 text-left font-normal text-zinc-200" title={row.label}>
                {row.label}
              </th>
              <Figures of={row} />
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t border-zinc-700 font-semibold">
          <tr>
            <th scope="row" className="px-3 py-2 text-left">Total</th>
            <Figures of={data.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageRow } from "@/lib/usage/groups";
import { formatUsd } from "./format";

const tick = { fill: "#a1a1aa", fontSize: 12 }; // zinc-400

/**
 * Cost per group as bars. Loaded only by the usage page (next/dynamic), so recharts never reaches
 * `/`. Its own accessibility layer is off: the wrapper names the chart, and the table beside it is
 * the accessible data.
 */
export default function UsageChart({ rows }: { rows: UsageRow[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 4, left: 4 }}>
        <CartesianGrid stroke="#27272a" vertical={false} />
        <XAxis dataKey="label" tick={tick} stroke="#3f3f46" interval="preserveStartEnd" />
        <YAxis tick={tick} stroke="#3f3f46" width={72} tickFormatter={(value: number) => formatUsd(value)} />
        <Tooltip
          cursor={{ fill: "#27272a" }}
          contentStyle={{ background: "#18181b", border: "1px solid #3f3f46", borderRadius: 6, color: "#f4f4f5" }}
          labelStyle={{ color: "#f4f4f5" }}
          formatter={(value) => [formatUsd(Number(value)), "Cost"]}
        />
        <Bar dataKey="costUsd" name="Cost" fill="#0ea5e9" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/**
 * How usage totals can be grouped, and the shape of GET /api/usage: shared by the query (lib/db/usage.ts)
 * and the usage page's controls, so both offer the same groups. Browser-safe.
 */
export const USAGE_GROUPS = ["day", "model", "size", "quality", "user"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsageRow = { key: string; label: string; requests: number; images: number; inputTokens: number; outputTokens: number; costUsd: number };
export type UsageTotal = Omit<UsageRow, "key" | "label">;

/** GET /api/usage's JSON: the period as whole UTC days (`to` included), one row per group, and their total. */
export type UsageTotals = { from: string; to: string; group: UsageGroup; rows: UsageRow[]; total: UsageTotal };

import "server-only";
import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { UsageGroup, UsageRow } from "@/lib/usage/groups";

/**
 * The usage ledger's read side. Totals come from `usage_daily`, which triggers keep beside the
 * ledger's rows (migration 20261204000001_usage_daily): requests, tokens and cost of every attempt
 * (each priced when it closed) and the final images, per UTC day and the generation's model, size
 * and quality (as asked). A period is whole UTC days. On the pool through `sqlRows`: the groups
 * are expressions and the estimate takes percentiles, which Prisma's query API cannot express.
 */
export { USAGE_GROUPS, type UsageGroup, type UsageRow } from "@/lib/usage/groups";

/** The group's key and label over `x` (a usage_daily row) and `u` (its owner). */
function groupBy(group: UsageGroup): Prisma.Sql {
  switch (group) {
    case "day":
      return Prisma.raw(`to_char(x.day, 'YYYY-MM-DD') AS key, to_char(x.day, 'YYYY-MM-DD') AS label`);
    case "model":
    case "size":
    case "quality":
      return Prisma.raw(`x.${group} AS key, x.${group} AS label`);
    case "user":
      return Prisma.raw(`x.owner_id::text AS key, u.name AS label`);
  }
}

/** The UTC day a period boundary falls on; boundaries are midnights (lib/usage/query.ts, lib/generations/budget.ts). */
const utcDay = (at: Date) => at.toISOString().slice(0, 10);

type Raw = { key: string; label: string; requests: string; images: string; input_tokens: string; output_tokens: string; cost_usd: string };

/** Totals per group of an owner's usage over the UTC days from `from` up to (not including) `to`. */
export async function usageTotals(ownerId: string, from: Date, to: Date, group: UsageGroup): Promise<UsageRow[]> {
  const rows = await sqlRows<Raw>(Prisma.sql`
    SELECT ${groupBy(group)}, sum(x.requests)::text AS requests, sum(x.images)::text AS images, sum(x.input_tokens)::text AS input_tokens,
      sum(x.output_tokens)::text AS output_tokens, sum(x.cost_usd)::text AS cost_usd
    FROM usage_daily x JOIN users u ON u.id = x.owner_id
    WHERE x.owner_id = ${ownerId}::uuid AND x.day >= ${utcDay(from)}::date AND x.day < ${utcDay(to)}::date
    GROUP BY 1, 2 ORDER BY 1`);
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    requests: Number(r.requests),
    images: Number(r.images),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: Number(r.cost_usd),
  }));
}

/** What an owner has spent from the UTC day of `since` on (a budget's period start, a midnight). */
export async function spentSince(ownerId: string, since: Date): Promise<number> {
  const [row] = await sqlRows<{ spent: string | null }>(Prisma.sql`
    SELECT sum(cost_usd)::text AS spent FROM usage_daily WHERE owner_id = ${ownerId}::uuid AND day >= ${utcDay(since)}::date`);
  return Number(row?.spent ?? 0);
}

export type EstimateHistory = { basedOn: number; latencyP50Ms: number | null; latencyP90Ms: number | null; costPerImageUsd: number | null };

/** How many recent done generations of a size and quality the estimate rests on, at most. */
const ESTIMATE_WINDOW = 200;

/** Latency percentiles and mean cost per final image of an owner's latest done generations of this size and quality. */
export async function estimateHistory(ownerId: string, size: string, quality: string): Promise<EstimateHistory> {
  const [row] = await sqlRows<{ based_on: number; p50: number | null; p90: number | null; cost: string | null; images: string }>(Prisma.sql`
    WITH recent AS (
      SELECT g.id, g.latency_ms, g.cost_usd FROM generations g
      WHERE g.owner_id = ${ownerId}::uuid AND g.status = 'done' AND g.size = ${size} AND g.quality = ${quality}
        AND g.latency_ms IS NOT NULL AND g.cost_usd IS NOT NULL
      ORDER BY g.created_at DESC LIMIT ${ESTIMATE_WINDOW}
    )
    SELECT count(*)::int AS based_on,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY latency_ms) AS p90,
      sum(cost_usd)::text AS cost,
      (SELECT count(*) FROM images i WHERE i.generation_id IN (SELECT id FROM recent) AND i.kind = 'final')::text AS images
    FROM recent`);
  const images = Number(row?.images ?? 0);
  if (!row || row.based_on === 0 || images === 0) return { basedOn: 0, latencyP50Ms: null, latencyP90Ms: null, costPerImageUsd: null };
  return {
    basedOn: row.based_on,
    latencyP50Ms: row.p50 === null ? null : Math.round(row.p50),
    latencyP90Ms: row.p90 === null ? null : Math.round(row.p90),
    costPerImageUsd: Number(row.cost) / images,
  };
}

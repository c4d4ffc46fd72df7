import "server-only";
import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/**
 * The usage ledger's read side, over `attempts` (requests, tokens, cost: each attempt priced when
 * it closed) and final `images`, joined to their generation for model, size and quality (as
 * asked). Both statements go through `sqlRows`: they group by expressions over jsonb and
 * timestamps and take percentiles, which Prisma's query API cannot express.
 */
export const USAGE_GROUPS = ["day", "model", "size", "quality", "user"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsageRow = { key: string; label: string; requests: number; images: number; inputTokens: number; outputTokens: number; costUsd: number };

/** The group's key and label over `x` (the attempt or image), `g` (its generation), `u` (its owner). */
function groupBy(group: UsageGroup, time: "started_at" | "created_at"): Prisma.Sql {
  switch (group) {
    case "day":
      return Prisma.raw(`to_char(x.${time} AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS key, to_char(x.${time} AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS label`);
    case "model":
      return Prisma.raw(`g.model AS key, g.model AS label`);
    case "size":
      return Prisma.raw(`g.size AS key, g.size AS label`);
    case "quality":
      return Prisma.raw(`g.quality AS key, g.quality AS label`);
    case "user":
      return Prisma.raw(`x.owner_id::text AS key, u.name AS label`);
  }
}

type Raw = { key: string; label: string; requests: string; images: string; input_tokens: string; output_tokens: string; cost_usd: string };

/** Totals per group of an owner's usage in [from, to): attempts by start, final images by creation. */
export async function usageTotals(ownerId: string, from: Date, to: Date, group: UsageGroup): Promise<UsageRow[]> {
  const rows = await sqlRows<Raw>(Prisma.sql`
    WITH tried AS (
      SELECT ${groupBy(group, "started_at")}, count(*) AS requests, 0::bigint AS images,
        coalesce(sum((x.usage->>'input_tokens')::bigint), 0) AS input_tokens,
        coalesce(sum((x.usage->>'output_tokens')::bigint), 0) AS output_tokens,
        coalesce(sum(x.cost_usd), 0) AS cost_usd
      FROM attempts x JOIN generations g ON g.id = x.generation_id JOIN users u ON u.id = x.owner_id
      WHERE x.owner_id = ${ownerId}::uuid AND x.started_at >= ${from} AND x.started_at < ${to}
      GROUP BY 1, 2
    ), made AS (
      SELECT ${groupBy(group, "created_at")}, 0::bigint AS requests, count(*) AS images, 0::bigint, 0::bigint, 0::numeric
      FROM images x JOIN generations g ON g.id = x.generation_id JOIN users u ON u.id = x.owner_id
      WHERE x.owner_id = ${ownerId}::uuid AND x.kind = 'final' AND x.created_at >= ${from} AND x.created_at < ${to}
      GROUP BY 1, 2
    )
    SELECT key, label, sum(requests)::text AS requests, sum(images)::text AS images, sum(input_tokens)::text AS input_tokens,
      sum(output_tokens)::text AS output_tokens, sum(cost_usd)::text AS cost_usd
    FROM (SELECT * FROM tried UNION ALL SELECT * FROM made) t
    GROUP BY key, label ORDER BY key`);
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

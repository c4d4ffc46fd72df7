import "server-only";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { LeaseLost, ownedRow, type Lease } from "@/lib/db/lease";

/**
 * The `attempts` table: one row per gateway request, opened as the request leaves and closed with
 * how it went. A worker writes them only while its lease holds: opened in the statement of the
 * status event that announces the try, closed in the statement of the image event (or fenced on
 * its own when the try failed).
 */
export type NewAttempt = {
  id: string;
  imageIndex: number;
  number: number;
  step: string;
  size: string;
  quality: string;
  startedAt: Date;
  /** The model billed, when not the generation's: an agent turn's text model, or its image tool's. */
  model?: string;
};

export type AttemptOutcome = {
  status: "ok" | "error" | "cancelled";
  latencyMs: number;
  firstPartialMs: number | null;
  usage?: unknown;
  /** The usage priced at the settings' prices when the attempt closed (lib/jobs/cost.ts `priced`). */
  cost?: { costUsd: number; prices: unknown };
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
};

/** The INSERT as a CTE named `name` over `bumped` (the generation's row in appendEvent). */
export function openAttemptWith(name: string, a: NewAttempt): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(name)} AS (
    INSERT INTO attempts (id, owner_id, generation_id, image_index, number, step, size, quality, started_at, model)
    SELECT ${a.id}::uuid, bumped.owner_id, bumped.id, ${a.imageIndex}, ${a.number}, ${a.step}, ${a.size}, ${a.quality}, ${a.startedAt}, ${a.model ?? null}
    FROM bumped RETURNING id)`;
}

function closing(id: string, o: AttemptOutcome, guard: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`UPDATE attempts SET status = ${o.status}, latency_ms = ${o.latencyMs}, first_partial_ms = ${o.firstPartialMs}::int,
      usage = ${o.usage ? JSON.stringify(o.usage) : null}::jsonb,
      cost_usd = ${o.cost ? o.cost.costUsd.toFixed(6) : null}::numeric, prices = ${o.cost ? JSON.stringify(o.cost.prices) : null}::jsonb,
      http_status = ${o.httpStatus ?? null}::int,
      error_code = ${o.errorCode ?? null}, error_message = ${o.errorMessage ?? null}, finished_at = now()
    WHERE id = ${id}::uuid AND ${guard} RETURNING id`;
}

/** The UPDATE as a CTE named `name`, done only when `bumped` has the row (the lease held). */
export function closeAttemptWith(name: string, id: string, o: AttemptOutcome): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(name)} AS (${closing(id, o, Prisma.sql`EXISTS (SELECT 1 FROM bumped)`)})`;
}

export async function closeAttempt(lease: Lease, id: string, o: AttemptOutcome): Promise<void> {
  const rows = await sqlRows(Prisma.sql`WITH ${ownedRow(lease)} ${closing(id, o, Prisma.sql`EXISTS (SELECT 1 FROM owned)`)}`);
  if (rows.length === 0) throw new LeaseLost(lease.generationId);
}

/** How many attempts each image of a generation has had (a re-run counts on from them). */
export async function attemptCounts(generationId: string): Promise<Map<number, number>> {
  const rows = await db().attempt.groupBy({ by: ["imageIndex"], where: { generationId }, _count: true });
  return new Map(rows.map((r) => [r.imageIndex, r._count]));
}

/** How many attempts of one step a generation has had (an agent turn's requests are its `text` attempts). */
export async function attemptsOfStep(generationId: string, step: string): Promise<number> {
  return db().attempt.count({ where: { generationId, step } });
}

/** The earliest try that showed a partial: the generation's first-partial time is counted from it. */
export async function firstPartialAttempt(generationId: string): Promise<{ startedAt: Date; firstPartialMs: number } | null> {
  const row = await db().attempt.findFirst({
    where: { generationId, firstPartialMs: { not: null } },
    orderBy: { startedAt: "asc" },
    select: { startedAt: true, firstPartialMs: true },
  });
  return row?.firstPartialMs != null ? { startedAt: row.startedAt, firstPartialMs: row.firstPartialMs } : null;
}

/**
 * What a generation's attempts returned and cost, priced when each closed: a generation's usage
 * and cost are their sums (also of attempts that returned usage but no image), so a later price
 * change never rewrites them.
 */
export async function ledgerOf(generationId: string): Promise<{ usage: unknown; costUsd: number | null }[]> {
  const rows = await db().attempt.findMany({
    where: { generationId, usage: { not: Prisma.DbNull } },
    orderBy: [{ imageIndex: "asc" }, { number: "asc" }],
    select: { usage: true, costUsd: true },
  });
  return rows.map((r) => ({ usage: r.usage, costUsd: r.costUsd === null ? null : Number(r.costUsd) }));
}


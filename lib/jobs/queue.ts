import { randomUUID } from "node:crypto";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { Gateway } from "@/lib/env";
import type { StatusEvent } from "@/lib/generations/events";
import type { GenerationRequest } from "@/lib/generations/request-schema";
import { isExperimentalSize } from "@/lib/images/size-rules";
import { appendEvent, inTransaction, noticeOfInserted } from "@/lib/jobs/event-log";
import type { LocalRunner, Slot } from "@/lib/jobs/local-runner";

/**
 * The durable queue is the generations table itself: `queued` rows wait, a worker claims one with
 * FOR UPDATE SKIP LOCKED and holds a lease it renews; a lease that runs out means the worker died.
 * (pg-boss needs Node 22; this keeps queue position, cancel and restart in one place.)
 */
export const QUEUE_CHANNEL = "generation_queue";
export const CANCEL_CHANNEL = "generation_cancel";

/**
 * Creates a generation. With a local runner that has a free slot, and nothing waiting before it,
 * the row is born `running` under that runner's lease and the job starts while the row is still
 * being written (it writes nothing itself until `stored` settles): the gateway request leaves
 * without waiting for a commit, a NOTIFY and a claim. Otherwise the row is queued for any worker.
 */
export async function enqueueGeneration(ownerId: string, request: GenerationRequest, gateway: Gateway, runner?: LocalRunner): Promise<{ id: string }> {
  const job = jobFor(randomUUID(), ownerId, request);
  const slot = runner?.reserve(job.large) ?? null;
  let stored: Promise<void>;
  try {
    stored = sqlRows(enqueueStatement(job, request, gateway, slot)).then(() => undefined);
  } catch (error) {
    slot?.release();
    throw error;
  }
  slot?.run({ ...job, stored });
  await stored;
  return { id: job.id };
}

/** The job as a worker would claim it, on its first run. */
function jobFor(id: string, ownerId: string, request: GenerationRequest): ClaimedJob {
  return {
    id,
    ownerId,
    prompt: request.prompt,
    model: request.model,
    size: request.size,
    quality: request.quality,
    outputFormat: request.output_format,
    outputCompression: request.output_compression ?? null,
    background: request.background,
    moderation: request.moderation,
    n: request.n,
    partialImages: request.partial_images,
    fallback: request.fallback,
    large: isExperimentalSize(request.size),
    runCount: 1,
    cancelRequested: false,
    waiting: 0,
  };
}

/**
 * One statement, one round trip: the row is born with its first event (so its sequence starts at
 * 1). A queued one is told how many wait ahead, counted on a snapshot taken before the row exists,
 * and wakes the workers; both NOTIFYs go out when it commits.
 */
function enqueueStatement(job: ClaimedJob, request: GenerationRequest, gateway: Gateway, slot: Slot | null): Prisma.Sql {
  const queued = slot === null;
  const state = slot
    ? Prisma.sql`'running', ${slot.workerId}, now() + make_interval(secs => ${slot.leaseMs / 1000}), 1, now()`
    : Prisma.sql`'queued', NULL, NULL, 0, NULL`;
  const firstEvent = queued
    ? queuedStatus(Prisma.sql`ahead.position`)
    : Prisma.sql`jsonb_build_object('status', 'running', 'message', 'Sending the request to the gateway')`;
  return Prisma.sql`
    WITH ${queued ? Prisma.sql`ahead AS (SELECT count(*)::int + 1 AS position FROM generations WHERE status = 'queued'),` : Prisma.empty}
    created AS (
      INSERT INTO generations (id, owner_id, prompt, model, size, quality, output_format, output_compression, background,
        moderation, n, partial_images, fallback, large, request, gateway_label, gateway_is_simulator, event_seq,
        status, lease_owner, lease_until, run_count, started_at)
      VALUES (${job.id}::uuid, ${job.ownerId}::uuid, ${job.prompt}, ${job.model}, ${job.size}, ${job.quality},
        ${job.outputFormat}, ${job.outputCompression}::int, ${job.background}, ${job.moderation},
        ${job.n}, ${job.partialImages}, ${job.fallback}, ${job.large},
        ${JSON.stringify(request)}::jsonb, ${gateway.label}, ${gateway.isSimulator}, 1, ${state})
      RETURNING id, owner_id
    ), inserted AS (
      INSERT INTO generation_events (owner_id, generation_id, seq, type, data)
      SELECT created.owner_id, created.id, 1, 'status', ${firstEvent} FROM created${queued ? Prisma.sql`, ahead` : Prisma.empty}
      RETURNING generation_id, seq, type, data::text AS body
    )
    SELECT ${noticeOfInserted}${queued ? Prisma.sql`, pg_notify(${QUEUE_CHANNEL}, inserted.generation_id::text)` : Prisma.empty} FROM inserted`;
}

/**
 * What a waiting generation is told about its place (1 is next to run), as SQL: the place is
 * counted in the database, in the statement that writes the event.
 */
function queuedStatus(position: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`jsonb_build_object('status', 'queued', 'queuePosition', ${position}, 'message',
    CASE WHEN ${position} > 1 THEN 'Queued: ' || (${position} - 1) || ' ahead' ELSE 'Queued: next to run' END)`;
}

/**
 * Tells the first waiting generations their new place after the queue moved. Bounded, so a long
 * queue costs a fixed number of events per move.
 */
export async function announceQueuePositions(limit = 50): Promise<void> {
  const rows = await sqlRows<{ id: string; status: StatusEvent }>(Prisma.sql`
    SELECT id::text, ${queuedStatus(Prisma.sql`position`)} AS status FROM (
      SELECT id, (row_number() OVER (ORDER BY created_at, id))::int AS position
      FROM generations WHERE status = 'queued' ORDER BY created_at, id LIMIT ${limit}
    ) AS waiting`);
  for (const row of rows) await appendEvent(row.id, "status", row.status);
}

/** What a worker needs to run a generation, read by the claim itself. */
export type ClaimedJob = {
  id: string;
  ownerId: string;
  prompt: string;
  model: string;
  size: string;
  quality: string;
  outputFormat: string;
  outputCompression: number | null;
  background: string;
  moderation: string;
  n: number;
  partialImages: number;
  fallback: boolean;
  large: boolean;
  runCount: number;
  cancelRequested: boolean;
  /** How many were still waiting behind it when it was claimed. */
  waiting: number;
  /** Handed over while its row is being written: settles once it is committed (rejects if not). */
  stored?: Promise<void>;
};

/** Claims the oldest queued generation this worker may run now, or null. */
export async function claimNext(workerId: string, leaseMs: number, allowLarge: boolean): Promise<ClaimedJob | null> {
  const rows = await sqlRows<ClaimedJob>(Prisma.sql`
    UPDATE generations SET status = 'running', lease_owner = ${workerId}, run_count = run_count + 1,
      lease_until = now() + make_interval(secs => ${leaseMs / 1000}), started_at = coalesce(started_at, now())
    WHERE id = (
      SELECT id FROM generations
      WHERE status = 'queued' AND (NOT large OR ${allowLarge})
      ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id::text AS "id", owner_id::text AS "ownerId", prompt, model, size, quality, output_format AS "outputFormat",
      output_compression AS "outputCompression", background, moderation, n, partial_images AS "partialImages", fallback,
      large, run_count AS "runCount", cancel_requested AS "cancelRequested",
      -- on the statement's snapshot the claimed row still counts as queued
      (SELECT count(*)::int FROM generations WHERE status = 'queued') - 1 AS "waiting"`);
  return rows[0] ?? null;
}

/** Renews this worker's leases; returns the ids whose cancel was asked for meanwhile. */
export async function renewLeases(workerId: string, ids: string[], leaseMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db().$queryRaw<{ id: string; cancel_requested: boolean }[]>`
    UPDATE generations SET lease_until = now() + make_interval(secs => ${leaseMs / 1000})
    WHERE id = ANY(${ids}::uuid[]) AND lease_owner = ${workerId} AND status = 'running'
    RETURNING id::text, cancel_requested`;
  return rows.filter((r) => r.cancel_requested).map((r) => r.id);
}

/** Puts a generation back in the queue (graceful shutdown), keeping what it already made. */
export async function handBack(generationId: string, workerId: string): Promise<void> {
  await inTransaction(async (tx) => {
    const count = await tx.generation.updateMany({
      where: { id: generationId, leaseOwner: workerId, status: "running" },
      data: { status: "queued", leaseOwner: null, leaseUntil: null },
    });
    if (count.count === 0) return;
    await appendEvent(
      generationId,
      "status",
      { status: "queued", message: "The server is restarting; this generation will continue shortly" },
      { tx, prelude: Prisma.sql`SELECT pg_notify(${QUEUE_CHANNEL}, ${generationId})` },
    );
  });
}

/**
 * Finds generations whose worker vanished (lease expired): re-queues those with runs left, fails
 * the rest with a reason. Nothing stays `running` forever.
 */
export async function recoverExpired(maxRuns: number): Promise<{ requeued: string[]; failed: string[] }> {
  return inTransaction(async (tx) => {
    const requeued = await tx.$queryRaw<{ id: string }[]>`
      UPDATE generations SET status = 'queued', lease_owner = NULL, lease_until = NULL
      WHERE status = 'running' AND lease_until < now() AND run_count < ${maxRuns} AND NOT cancel_requested
      RETURNING id::text`;
    for (const { id } of requeued) {
      await appendEvent(id, "status", { status: "queued", message: "The worker stopped while running this generation; it is queued again" }, { tx });
    }
    const failed = await tx.$queryRaw<{ id: string; status: string; run_count: number }[]>`
      UPDATE generations SET
        status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END,
        error_code = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'interrupted' END,
        error_message = CASE WHEN cancel_requested THEN 'Cancelled.'
          ELSE 'The worker stopped while running this generation, ' || run_count || ' time(s); it was not tried again.' END,
        lease_owner = NULL, lease_until = NULL, finished_at = now(),
        latency_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::int
      WHERE status = 'running' AND lease_until < now()
      RETURNING id::text, status, run_count`;
    for (const row of failed) {
      const cancelled = row.status === "cancelled";
      const error = cancelled
        ? { code: "cancelled", message: "Cancelled." }
        : { code: "interrupted", message: `The worker stopped while running this generation, ${row.run_count} time(s); it was not tried again.` };
      await appendEvent(row.id, "end", { ...EMPTY_END, status: cancelled ? "cancelled" : "failed", error }, { tx });
    }
    if (requeued.length > 0) await tx.$executeRaw`SELECT pg_notify(${QUEUE_CHANNEL}, 'recovered')`;
    return { requeued: requeued.map((r) => r.id), failed: failed.map((r) => r.id) };
  });
}

/** The end of a generation that never produced anything. */
const EMPTY_END = { images: 0, latencyMs: null, firstPartialMs: null, usage: null, costUsd: null } as const;

/**
 * Cancels an owner's generation. A queued one ends at once; a running one is flagged and its
 * worker (told by NOTIFY, or at its next lease renewal) stops the upstream request.
 */
export async function requestCancel(ownerId: string, generationId: string): Promise<"cancelled" | "stopping" | "finished" | "not_found"> {
  const cancelledQueued = await inTransaction(async (tx) => {
    const queued = await tx.generation.updateMany({
      where: { id: generationId, ownerId, status: "queued" },
      data: { status: "cancelled", cancelRequested: true, errorCode: "cancelled", errorMessage: "Cancelled.", finishedAt: new Date() },
    });
    if (queued.count === 0) return false;
    await appendEvent(generationId, "end", { ...EMPTY_END, status: "cancelled", error: { code: "cancelled", message: "Cancelled." } }, { tx });
    return true;
  });
  if (cancelledQueued) {
    await announceQueuePositions();
    return "cancelled";
  }
  const stopping = await inTransaction(async (tx) => {
    const running = await tx.generation.updateMany({ where: { id: generationId, ownerId, status: "running" }, data: { cancelRequested: true } });
    if (running.count === 0) return false;
    await appendEvent(generationId, "status", { status: "running", message: "Cancelling…" }, { tx, prelude: Prisma.sql`SELECT pg_notify(${CANCEL_CHANNEL}, ${generationId})` });
    return true;
  });
  if (stopping) return "stopping";
  const exists = await db().generation.count({ where: { id: generationId, ownerId } });
  return exists > 0 ? "finished" : "not_found";
}

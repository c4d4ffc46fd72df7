import "server-only";
import { randomUUID } from "node:crypto";
import { db, sqlRows } from "@/lib/db/client";
import { turnMessageWith, type NewTurnMessage } from "@/lib/db/conversations";
import { Prisma } from "@/lib/db/generated/client";
import { appendEvent, inTransaction, noticeOfInserted } from "@/lib/db/generation-events";
import { heldBy, LeaseLost, type Lease } from "@/lib/db/lease";
import type { EndEvent, StatusEvent } from "@/lib/generations/events";
import type { GenerationParameters } from "@/lib/generations/parameters";

/**
 * The `generations` table as the durable job queue: `queued` rows wait, a worker claims one with
 * FOR UPDATE SKIP LOCKED and holds a lease it renews; a lease that runs out means the worker died.
 * Each claim draws a new fencing token (lease.ts). (pg-boss needs Node 22; this keeps queue
 * position, cancel and restart in one place.)
 */
export const QUEUE_CHANNEL = "generation_queue";
export const CANCEL_CHANNEL = "generation_cancel";

/** What a job's row is born with: its payload, and the columns history shows and filters on. */
export type NewJob = {
  id: string;
  ownerId: string;
  kind: string;
  payload: unknown;
  columns: GenerationParameters;
  large: boolean;
  gateway: { label: string; isSimulator: boolean };
  /** An edit's: the history image it was made from, the mask setting, and its inputs' rows. */
  edit?: { sourceImageId: string | null; protect: boolean; inputs: NewInputImage[] };
  /** An agent turn's: its conversation's user message, with the images attached to it (lib/db/conversations.ts). */
  turn?: NewTurnMessage;
};

/**
 * A job's input as an `images` row: an edit's edited image (`source`), a `reference`, the `mask`;
 * a turn's `attachment` (a picture attached to its message) and `mask`.
 */
export type NewInputImage = {
  id: string;
  kind: "source" | "reference" | "mask" | "attachment";
  /** Its place among the images sent (the mask: 0, the image it applies to). */
  imageIndex: number;
  sha256: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
};

/** Born running under a worker's lease (a local worker had a free slot), else queued. */
export type BornRunning = { workerId: string; token: string; leaseMs: number };

/**
 * One statement, one round trip: the row is born with its first event (so its sequence starts at
 * 1). A queued one is told how many wait ahead, counted on a snapshot taken before the row exists,
 * and wakes the workers; both NOTIFYs go out when it commits. An edit's input rows, and a turn's
 * user message with its attachments, are written by the same statement.
 */
export async function insertJob(job: NewJob, running: BornRunning | null): Promise<void> {
  const c = job.columns;
  const queued = running === null;
  const state = running
    ? Prisma.sql`'running', ${running.workerId}, ${running.token}::uuid, now() + make_interval(secs => ${running.leaseMs / 1000}), 1, now()`
    : Prisma.sql`'queued', NULL, NULL, NULL, 0, NULL`;
  const firstEvent = queued ? queuedStatus(Prisma.sql`ahead.position`) : Prisma.sql`jsonb_build_object('status', 'running', 'message', 'Sending the request to the gateway')`;
  const edit = job.edit;
  const turn = job.turn;
  const inputs = [...(edit?.inputs ?? []), ...(turn?.images ?? [])];
  // The source by a look-up of the owner's image, so one deleted since it was checked leaves NULL, not a failed insert.
  const source = edit?.sourceImageId
    ? Prisma.sql`(SELECT id FROM images WHERE id = ${edit.sourceImageId}::uuid AND owner_id = ${job.ownerId}::uuid)`
    : Prisma.sql`NULL::uuid`;
  await sqlRows(Prisma.sql`
    WITH ${queued ? Prisma.sql`ahead AS (SELECT count(*)::int + 1 AS position FROM generations WHERE status = 'queued'),` : Prisma.empty}
    created AS (
      INSERT INTO generations (id, owner_id, kind, request, prompt, model, size, quality, output_format, output_compression, background,
        moderation, n, partial_images, fallback, large, gateway_label, gateway_is_simulator, event_seq, source_image_id, protect,
        conversation_id, status, lease_owner, lease_token, lease_until, run_count, started_at)
      VALUES (${job.id}::uuid, ${job.ownerId}::uuid, ${job.kind}, ${JSON.stringify(job.payload)}::jsonb, ${c.prompt}, ${c.model}, ${c.size},
        ${c.quality}, ${c.outputFormat}, ${c.outputCompression}::int, ${c.background}, ${c.moderation}, ${c.n}, ${c.partialImages},
        ${c.fallback}, ${job.large}, ${job.gateway.label}, ${job.gateway.isSimulator}, 1, ${source}, ${edit ? edit.protect : null}::boolean,
        ${turn?.conversationId ?? null}::uuid, ${state})
      RETURNING id, owner_id
    ), ${inputs.length > 0 ? Prisma.sql`inputs AS (${insertInputs(inputs)}),` : Prisma.empty}${turn ? Prisma.sql`${turnMessageWith(turn)},` : Prisma.empty} inserted AS (
      INSERT INTO generation_events (owner_id, generation_id, seq, type, data)
      SELECT created.owner_id, created.id, 1, 'status', ${firstEvent} FROM created${queued ? Prisma.sql`, ahead` : Prisma.empty}
      RETURNING generation_id, seq, type, data::text AS body
    )
    SELECT ${noticeOfInserted}${queued ? Prisma.sql`, pg_notify(${QUEUE_CHANNEL}, inserted.generation_id::text)` : Prisma.empty} FROM inserted`);
}

/** The input rows, selecting the new generation's id and owner from `created`. */
function insertInputs(inputs: NewInputImage[]): Prisma.Sql {
  const rows = inputs.map(
    (i) => Prisma.sql`(${i.id}::uuid, ${i.kind}, ${i.imageIndex}::int, ${i.sha256}, ${i.format}, ${i.width}::int, ${i.height}::int, ${i.bytes}::int)`,
  );
  return Prisma.sql`
    INSERT INTO images (id, owner_id, generation_id, kind, image_index, sha256, format, width, height, bytes)
    SELECT input.id, created.owner_id, created.id, input.kind, input.image_index, input.sha256, input.format, input.width, input.height, input.bytes
    FROM created, (VALUES ${Prisma.join(rows)}) AS input (id, kind, image_index, sha256, format, width, height, bytes)
    RETURNING id`;
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

/** A claimed row: the payload as stored (the job parses it), and the claim's lease. */
export type ClaimedRow = {
  id: string;
  ownerId: string;
  kind: string;
  payload: unknown;
  large: boolean;
  runCount: number;
  cancelRequested: boolean;
  /** How many were still waiting behind it when it was claimed. */
  waiting: number;
  leaseToken: string;
};

/** Claims the oldest queued generation this worker may run now, or null. */
export async function claimNext(workerId: string, leaseMs: number, allowLarge: boolean): Promise<ClaimedRow | null> {
  const rows = await sqlRows<ClaimedRow>(Prisma.sql`
    UPDATE generations SET status = 'running', lease_owner = ${workerId}, lease_token = ${randomUUID()}::uuid, run_count = run_count + 1,
      lease_until = now() + make_interval(secs => ${leaseMs / 1000}), started_at = coalesce(started_at, now())
    WHERE id = (
      SELECT id FROM generations
      WHERE status = 'queued' AND (NOT large OR ${allowLarge})
      ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id::text AS "id", owner_id::text AS "ownerId", kind, request AS "payload", large, run_count AS "runCount",
      cancel_requested AS "cancelRequested", lease_token::text AS "leaseToken",
      -- on the statement's snapshot the claimed row still counts as queued
      (SELECT count(*)::int FROM generations WHERE status = 'queued') - 1 AS "waiting"`);
  return rows[0] ?? null;
}

/** Renews the leases that still hold; returns them, each with whether its cancel was asked for. */
export async function renewLeases(leases: Lease[], leaseMs: number): Promise<Map<string, { cancelRequested: boolean }>> {
  if (leases.length === 0) return new Map();
  const rows = await sqlRows<{ id: string; cancel_requested: boolean }>(Prisma.sql`
    UPDATE generations SET lease_until = now() + make_interval(secs => ${leaseMs / 1000})
    FROM unnest(${leases.map((l) => l.generationId)}::uuid[], ${leases.map((l) => l.token)}::uuid[]) AS held(id, token)
    WHERE generations.id = held.id AND generations.lease_token = held.token AND generations.status = 'running'
    RETURNING generations.id::text, generations.cancel_requested`);
  return new Map(rows.map((r) => [r.id, { cancelRequested: r.cancel_requested }]));
}

/** Puts a generation back in the queue (graceful shutdown, a database failure), keeping what it made. */
export async function handBack(lease: Lease, message: string): Promise<void> {
  await inTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE generations SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_until = NULL
      WHERE ${heldBy(lease)} RETURNING id::text`;
    if (rows.length === 0) return;
    await appendEvent(lease.generationId, "status", { status: "queued", message }, { tx, notify: { channel: QUEUE_CHANNEL, payload: lease.generationId } });
  });
}

/** The end of a generation that never produced anything. */
const EMPTY_END = { images: 0, latencyMs: null, firstPartialMs: null, usage: null, costUsd: null } as const;

/**
 * Finds generations whose worker vanished (lease expired): re-queues those with runs left, fails
 * the rest with a reason. Nothing stays `running` forever. `own` are the jobs the asking worker is
 * running itself: it renews those or drops them, never takes them from itself (a row the fast
 * path wrote slowly can be born with its lease already run out).
 */
export async function recoverExpired(maxRuns: number, own: string[] = []): Promise<{ requeued: string[]; failed: string[] }> {
  return inTransaction(async (tx) => {
    const requeued = await tx.$queryRaw<{ id: string }[]>`
      UPDATE generations SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_until = NULL
      WHERE status = 'running' AND lease_until < now() AND run_count < ${maxRuns} AND NOT cancel_requested AND NOT (id = ANY(${own}::uuid[]))
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
        lease_owner = NULL, lease_token = NULL, lease_until = NULL, finished_at = now(),
        latency_ms = (extract(epoch FROM now() - coalesce(started_at, created_at)) * 1000)::int
      WHERE status = 'running' AND lease_until < now() AND NOT (id = ANY(${own}::uuid[]))
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
    await appendEvent(generationId, "status", { status: "running", message: "Cancelling…" }, { tx, notify: { channel: CANCEL_CHANNEL, payload: generationId } });
    return true;
  });
  if (stopping) return "stopping";
  const exists = await db().generation.count({ where: { id: generationId, ownerId } });
  return exists > 0 ? "finished" : "not_found";
}

/** When a generation started and whether its cancel was asked for: what its end is counted from. */
export async function jobClock(generationId: string): Promise<{ cancelRequested: boolean; startedAt: Date }> {
  const row = await db().generation.findUniqueOrThrow({ where: { id: generationId }, select: { cancelRequested: true, startedAt: true, createdAt: true } });
  return { cancelRequested: row.cancelRequested, startedAt: row.startedAt ?? row.createdAt };
}

export type JobResult = {
  status: EndEvent["status"];
  errorCode: string | null;
  errorMessage: string | null;
  notice: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens?: number } | null;
  costUsd: number | null;
  latencyMs: number;
  firstPartialMs: number | null;
};

/**
 * The job's one terminal write: its status and figures, and the `end` event, while the lease holds.
 * It also copies the final images' revised prompts onto the row, where history searches them.
 */
export async function finishJob(lease: Lease, result: JobResult, end: EndEvent): Promise<void> {
  await inTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE generations SET status = ${result.status}, error_code = ${result.errorCode}, error_message = ${result.errorMessage},
        notice = ${result.notice}, input_tokens = ${result.usage?.input_tokens ?? null}::int, output_tokens = ${result.usage?.output_tokens ?? null}::int,
        total_tokens = ${result.usage?.total_tokens ?? null}::int, cost_usd = ${result.costUsd}::numeric, latency_ms = ${result.latencyMs},
        first_partial_ms = ${result.firstPartialMs}::int, finished_at = now(), lease_owner = NULL, lease_token = NULL, lease_until = NULL,
        revised_prompts = (SELECT string_agg(revised_prompt, chr(10) ORDER BY image_index) FROM images
          WHERE generation_id = generations.id AND kind = 'final' AND revised_prompt IS NOT NULL)
      WHERE ${heldBy(lease)} RETURNING id::text`;
    if (rows.length === 0) throw new LeaseLost(lease.generationId);
    await appendEvent(lease.generationId, "end", end, { tx });
  });
}

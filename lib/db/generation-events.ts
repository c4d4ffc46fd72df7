import "server-only";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { heldBy, LeaseLost, type Lease } from "@/lib/db/lease";
import type { GenerationEvent, GenerationEventMap, GenerationEventType } from "@/lib/generations/events";
import { announceLocally } from "@/lib/db/listener";

/**
 * The `generation_events` table: a generation's events are rows, numbered per generation. The
 * number comes from bumping `generations.event_seq` in the same statement, so writers to one
 * generation are serialised by its row lock and a reader that asks for "after N" can never miss a
 * row that commits later with a smaller number. The NOTIFY is delivered on commit; it carries the
 * event itself when it is small, so a live follower can send it on without reading the row back.
 */
export const EVENTS_CHANNEL = "generation_events";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; larger events go by row only. */
const INLINE_LIMIT = 7000;

export type EventNotice = { generationId: string; seq: number; event: GenerationEvent | null };

/** The client or the open transaction to write with; a state change and its event commit together. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** Runs `work` in one transaction: the status change and the event announcing it are seen together. */
export function inTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return db().$transaction(work);
}

/**
 * The NOTIFY announcing an event row, to select from a CTE named `inserted` that returns the new
 * row's `generation_id, seq, type` and its data as text (`body`). Read back by `parseNotice`.
 */
export const noticeOfInserted = Prisma.sql`pg_notify(${EVENTS_CHANNEL}, inserted.generation_id || ':' || inserted.seq || ':' || inserted.type ||
  CASE WHEN octet_length(inserted.body) < ${INLINE_LIMIT} THEN ':' || inserted.body ELSE '' END)::text AS notified`;

export type AppendOptions = {
  /** A worker's write: it holds only while the lease does (LeaseLost otherwise). */
  lease?: Lease;
  tx?: Db;
  /**
   * Writes that commit with the event, as CTEs (`name AS (...)`) selecting from `bumped` (the
   * generation's row, `id, owner_id, event_seq`): the image row the event announces, the attempt
   * it opens. Under a lease they happen only when the lease holds.
   */
  with?: Prisma.Sql[];
  /** A NOTIFY sent in the same statement (a worker woken, a cancel delivered). */
  notify?: { channel: string; payload: string };
};

/** Appends one event in one statement; returns its sequence number. */
export async function appendEvent<K extends GenerationEventType>(generationId: string, type: K, data: GenerationEventMap[K], options: AppendOptions = {}): Promise<number> {
  const { lease, tx, notify } = options;
  const held = lease ? Prisma.sql` AND ${heldBy(lease)}` : Prisma.empty;
  const ctes = options.with ?? [];
  const extra = ctes.length > 0 ? Prisma.sql`${Prisma.join(ctes, ",\n")},` : Prisma.empty;
  const statement = Prisma.sql`
    WITH bumped AS (
      UPDATE generations SET event_seq = event_seq + 1 WHERE id = ${generationId}::uuid${held}
      RETURNING id, owner_id, event_seq
    ), ${extra} inserted AS (
      INSERT INTO generation_events (owner_id, generation_id, seq, type, data)
      SELECT owner_id, id, event_seq, ${type}, ${JSON.stringify(data)}::jsonb FROM bumped
      RETURNING generation_id, seq, type, data::text AS body
    )
    SELECT seq, ${noticeOfInserted}${notify ? Prisma.sql`, pg_notify(${notify.channel}, ${notify.payload})::text AS woke` : Prisma.empty} FROM inserted`;
  // Outside a transaction the statement goes straight to the pool, and is committed when it
  // returns: this is the path of every partial and image on its way to the browser, so a live view
  // in this process hears of it at once.
  const rows = tx ? await tx.$queryRaw<{ seq: number; notified: string }[]>(statement) : await sqlRows<{ seq: number; notified: string }>(statement);
  const row = rows[0];
  if (!row) {
    if (lease) throw new LeaseLost(generationId);
    throw new Error(`No generation ${generationId} to append an event to`);
  }
  if (!tx) announceLocally(EVENTS_CHANNEL, row.notified);
  return row.seq;
}

/** Reads a NOTIFY payload: `<generationId>:<seq>:<type>[:<json>]`. */
export function parseNotice(payload: string): EventNotice | null {
  const match = /^([0-9a-f-]{36}):(\d+):(\w+)(?::([\s\S]*))?$/.exec(payload);
  if (!match) return null;
  const [, generationId, seq, type, body] = match;
  const id = Number(seq);
  const event = body !== undefined ? ({ id, type, data: JSON.parse(body) as unknown } as GenerationEvent) : null;
  return { generationId: generationId!, seq: id, event };
}

/**
 * Events after `afterSeq`, in order; the caller has already checked ownership. Straight on the
 * pool: a live view reads it on every gap.
 */
export async function eventsAfter(generationId: string, afterSeq: number, limit = 500): Promise<GenerationEvent[]> {
  const rows = await sqlRows<{ seq: number; type: string; data: unknown }>(Prisma.sql`
    SELECT seq, type, data FROM generation_events
    WHERE generation_id = ${generationId}::uuid AND seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`);
  return rows.map((row) => ({ id: row.seq, type: row.type, data: row.data }) as GenerationEvent);
}

import { db } from "@/lib/db/client";
import type { GenerationEvent, GenerationEventMap, GenerationEventType } from "@/lib/generations/events";

/**
 * A generation's events are rows, numbered per generation. The number comes from bumping
 * `generations.event_seq` in the same statement, so writers to one generation are serialised by
 * its row lock and a reader that asks for "after N" can never miss a row that commits later with a
 * smaller number. The NOTIFY is delivered on commit and only says "look again".
 */
export const EVENTS_CHANNEL = "generation_events";

export async function appendEvent<K extends GenerationEventType>(
  generationId: string,
  type: K,
  data: GenerationEventMap[K],
): Promise<number> {
  const rows = await db().$queryRaw<{ seq: number }[]>`
    WITH bumped AS (
      UPDATE generations SET event_seq = event_seq + 1 WHERE id = ${generationId}::uuid
      RETURNING id, owner_id, event_seq
    ), inserted AS (
      INSERT INTO generation_events (owner_id, generation_id, seq, type, data)
      SELECT owner_id, id, event_seq, ${type}, ${JSON.stringify(data)}::jsonb FROM bumped
      RETURNING seq
    )
    SELECT seq, pg_notify(${EVENTS_CHANNEL}, ${generationId} || ':' || seq)::text AS notified FROM inserted`;
  const seq = rows[0]?.seq;
  if (seq === undefined) throw new Error(`No generation ${generationId} to append an event to`);
  return seq;
}

/** Events after `afterSeq`, in order; the caller has already checked ownership. */
export async function eventsAfter(generationId: string, afterSeq: number, limit = 500): Promise<GenerationEvent[]> {
  const rows = await db().generationEvent.findMany({
    where: { generationId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take: limit,
    select: { seq: true, type: true, data: true },
  });
  return rows.map((row) => ({ id: row.seq, type: row.type, data: row.data }) as GenerationEvent);
}

import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { Usage } from "@/lib/gateway/stream-image";

/**
 * The attempt rows: one per gateway request, opened as the request leaves and closed with how it
 * went. Written straight to the pool because they run beside the request on its hot path.
 */
export type OpenedAttempt = {
  id: string;
  ownerId: string;
  generationId: string;
  imageIndex: number;
  number: number;
  step: string;
  size: string;
  quality: string;
  /** When the request left: the row is written a moment later, beside it. */
  startedAt: Date;
};

export type AttemptOutcome = {
  status: "ok" | "error" | "cancelled";
  latencyMs: number;
  firstPartialMs: number | null;
  usage?: Usage | null;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
};

export async function openAttempt(a: OpenedAttempt): Promise<void> {
  await sqlRows(Prisma.sql`
    INSERT INTO attempts (id, owner_id, generation_id, image_index, number, step, size, quality, started_at)
    VALUES (${a.id}::uuid, ${a.ownerId}::uuid, ${a.generationId}::uuid, ${a.imageIndex}, ${a.number}, ${a.step}, ${a.size}, ${a.quality}, ${a.startedAt})`);
}

export async function closeAttempt(id: string, o: AttemptOutcome): Promise<void> {
  await sqlRows(Prisma.sql`
    UPDATE attempts SET status = ${o.status}, latency_ms = ${o.latencyMs}, first_partial_ms = ${o.firstPartialMs}::int,
      usage = ${o.usage ? JSON.stringify(o.usage) : null}::jsonb, http_status = ${o.httpStatus ?? null}::int,
      error_code = ${o.errorCode ?? null}, error_message = ${o.errorMessage ?? null}, finished_at = now()
    WHERE id = ${id}::uuid`);
}

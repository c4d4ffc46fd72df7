import "server-only";
import { randomUUID } from "node:crypto";
import { claimNext, insertJob, type ClaimedRow } from "@/lib/db/generation-queue";
import type { Gateway } from "@/lib/env";
import type { GenerationRequest } from "@/lib/generations/request-schema";
import { isExperimentalSize } from "@/lib/images/size-rules";
import type { LocalRunner } from "@/lib/jobs/local-runner";
import { readPayload, type Job, type JobPayload } from "@/lib/jobs/payload";

/**
 * Creates a generation. With a local runner that has a free slot, and nothing waiting before it,
 * the row is born `running` under that runner's lease and the job starts while the row is still
 * being written (`Job.stored`): the gateway request leaves without waiting for a commit, a NOTIFY
 * and a claim, and the job's first write waits for the row. This is the studio's one such fast
 * path; it saves the few milliseconds of the insert on the way to the first partial (bench:trace).
 * Otherwise the row is queued for any worker.
 */
export async function enqueueGeneration(ownerId: string, request: GenerationRequest, gateway: Gateway, runner?: LocalRunner): Promise<{ id: string }> {
  const payload: JobPayload = { kind: "generate", request };
  const id = randomUUID();
  const large = isExperimentalSize(request.size);
  const slot = runner?.reserve(large) ?? null;
  const token = randomUUID();
  let stored: Promise<void>;
  try {
    stored = insertJob(
      { id, ownerId, kind: payload.kind, payload: request, columns: columnsOf(request), large, gateway },
      slot ? { workerId: slot.workerId, token, leaseMs: slot.leaseMs } : null,
    );
  } catch (error) {
    slot?.release();
    throw error;
  }
  slot?.run({ id, ownerId, payload, large, runCount: 1, cancelRequested: false, waiting: 0, lease: { generationId: id, token }, stored });
  await stored;
  return { id };
}

/** The columns history shows and filters on, taken from the request once. */
function columnsOf(request: GenerationRequest) {
  return {
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
  };
}

/** A person's cancel: a queued job ends at once, a running one is stopped by its worker. */
export { requestCancel } from "@/lib/db/generation-queue";

export type Claim = { job: Job } | { unreadable: ClaimedRow; reason: string };

/** Claims the oldest queued job this worker may run now (null when none), its payload read. */
export async function claimJob(workerId: string, leaseMs: number, allowLarge: boolean): Promise<Claim | null> {
  const row = await claimNext(workerId, leaseMs, allowLarge);
  if (!row) return null;
  try {
    const payload = readPayload(row.kind, row.payload);
    const job: Job = { id: row.id, ownerId: row.ownerId, payload, large: row.large, runCount: row.runCount, cancelRequested: row.cancelRequested, waiting: row.waiting, lease: { generationId: row.id, token: row.leaseToken } };
    return { job };
  } catch (error) {
    return { unreadable: row, reason: (error as Error).message };
  }
}

import "server-only";
import { randomUUID } from "node:crypto";
import { claimNext, insertJob, type ClaimedRow, type NewJob } from "@/lib/db/generation-queue";
import type { Gateway } from "@/lib/env";
import type { GenerationParameters } from "@/lib/generations/parameters";
import { MODELS, type GenerationRequest } from "@/lib/generations/request-schema";
import { isExperimentalSize, SIZE_LIMITS } from "@/lib/images/size-rules";
import type { LocalRunner } from "@/lib/jobs/local-runner";
import { readPayload, storedPayload, type Job, type JobPayload } from "@/lib/jobs/payload";

/**
 * Creates a generation. With a local runner that has a free slot, and nothing waiting before it,
 * the row is born `running` under that runner's lease and the job starts while the row is still
 * being written (`Job.stored`): the gateway request leaves without waiting for a commit, a NOTIFY
 * and a claim, and the job's first write waits for the row. This is the studio's one such fast
 * path; it saves the few milliseconds of the insert on the way to the first partial (bench:trace).
 * Otherwise the row is queued for any worker.
 */
export async function enqueueGeneration(ownerId: string, request: GenerationRequest, gateway: Gateway, runner?: LocalRunner): Promise<{ id: string }> {
  return enqueueJob(ownerId, { kind: "generate", request }, gateway, runner);
}

/**
 * What a job's row is born with beside its payload: an edit's inputs' rows (their bytes already in
 * the store: lib/edits/create.ts); a turn's user message and its attachments (lib/agent).
 */
export type JobRows = Pick<NewJob, "edit" | "turn">;

/** Creates a job of any kind the same way, its rows (`JobRows`) in the same statement. */
export async function enqueueJob(ownerId: string, payload: JobPayload, gateway: Gateway, runner?: LocalRunner, rows: JobRows = {}): Promise<{ id: string }> {
  const id = randomUUID();
  const large = isLarge(payload);
  const slot = runner?.reserve(large) ?? null;
  const token = randomUUID();
  let stored: Promise<void>;
  try {
    stored = insertJob(
      { id, ownerId, kind: payload.kind, payload: storedPayload(payload), columns: columnsOf(payload, rows), large, gateway, ...rows },
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

/**
 * Above 2560x1440: run under the lower limit. An edit of size `auto` comes back at the edited
 * image's size, so that size decides.
 */
function isLarge(payload: JobPayload): boolean {
  if (payload.kind === "agent-turn") return isExperimentalSize(payload.settings.size);
  const first = payload.kind === "edit" ? payload.inputs.images[0] : undefined;
  if (payload.request.size === "auto" && first) return first.width * first.height > SIZE_LIMITS.experimentalAbovePixels;
  return isExperimentalSize(payload.request.size);
}

/**
 * The columns history shows and filters on, taken from the request once. An edit takes no
 * `moderation`: the gateway moderates it at its default, `auto`, which is what its row says. A
 * turn's prompt is its message, its model the image tool's (the text model is in its payload); it
 * asks for one image (the tool may make none, or more) and has no fallback ladder.
 */
function columnsOf(payload: JobPayload, rows: JobRows): GenerationParameters {
  if (payload.kind === "agent-turn") {
    const s = payload.settings;
    return {
      prompt: rows.turn?.text ?? "",
      model: MODELS[0],
      size: s.size,
      quality: s.quality,
      outputFormat: s.format,
      outputCompression: s.compression,
      background: s.background,
      moderation: "auto",
      n: 1,
      partialImages: s.partialImages,
      fallback: false,
    };
  }
  const request = payload.request;
  return {
    prompt: request.prompt,
    model: request.model,
    size: request.size,
    quality: request.quality,
    outputFormat: request.output_format,
    outputCompression: request.output_compression ?? null,
    background: request.background,
    moderation: "moderation" in request ? request.moderation : "auto",
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

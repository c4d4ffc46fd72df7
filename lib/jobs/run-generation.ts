import "server-only";
import { attemptCounts, firstPartialAttempt, ledgerOf } from "@/lib/db/attempts";
import { appendEvent } from "@/lib/db/generation-events";
import { finishJob, handBack, jobClock } from "@/lib/db/generation-queue";
import { finalIndexes, finalsOf } from "@/lib/db/images";
import { LeaseLost } from "@/lib/db/lease";
import type { Env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";
import { GatewayError } from "@/lib/gateway/errors";
import type { EndEvent, ErrorInfo, FinalStatus } from "@/lib/generations/events";
import { roundUsd } from "@/lib/jobs/cost";
import { fidelityNotice } from "@/lib/edits/notices";
import { askOf, type ImageAsk } from "@/lib/jobs/image-request";
import type { ImageJobPayload, Job } from "@/lib/jobs/payload";
import { storeThumbnail } from "@/lib/jobs/pictures";
import { runImage, type ImageOutcome } from "@/lib/jobs/run-image";
import type { Semaphore } from "@/lib/jobs/semaphore";
import { LEASE_LOST, linkedController, NOT_STORED, SHUTDOWN } from "@/lib/jobs/stop";
import { StorageError } from "@/lib/storage";

/**
 * Runs a claimed generation: each of its n images is its own gateway request, run under the
 * worker's concurrency limit. Images finished by an earlier run (before a restart) are kept.
 * Ends with exactly one terminal status and an `end` event, written while the lease holds; or
 * goes back to the queue (the worker is stopping, or the database failed); or, when the lease is
 * gone, is dropped without another write.
 *
 * A hard failure of one image (the store, the database, the lease) stops the others: their
 * requests are cancelled and the generation ends once, with that reason.
 *
 * An edit is run by the same code against the edits endpoint, its inputs read from the store
 * (lib/jobs/image-request.ts).
 */
export type JobOutcome = FinalStatus | "requeued" | "lost";

export async function runGeneration(job: Job<ImageJobPayload>, env: Env, slots: Semaphore, signal: AbortSignal): Promise<JobOutcome> {
  try {
    return await run(job, env, slots, signal);
  } catch (error) {
    if (error instanceof LeaseLost || signal.reason === LEASE_LOST || signal.reason === NOT_STORED) return "lost";
    throw error;
  }
}

async function run(job: Job<ImageJobPayload>, env: Env, slots: Semaphore, signal: AbortSignal): Promise<JobOutcome> {
  const { lease, payload } = job;
  const request = payload.request;
  // A first run starts from nothing; a re-run keeps the images and counts the attempts it already has.
  const resuming = job.runCount > 1;
  const [done, priorAttempts] = resuming ? await Promise.all([finalIndexes(job.id), attemptCounts(job.id)]) : [new Set<number>(), new Map<number, number>()];
  if (resuming) {
    const message = `Resuming after an interruption (run ${job.runCount}); ${done.size} of ${request.n} images were already made`;
    await appendEvent(job.id, "status", { status: "running", message }, { lease });
  }

  let ask: ImageAsk;
  try {
    ask = await askOf(job);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    await job.stored; // the row must be in before the job writes (queue.ts's fast path)
    return finish(job, env, [], { forced: { code: "storage_error", message: `${error.message}. The edit was not sent.` } });
  }
  const stop = linkedController(signal);
  let hard: unknown;
  const pending = Array.from({ length: request.n }, (_, i) => i).filter((i) => !done.has(i));
  const outcomes = await Promise.all(
    pending.map((imageIndex) =>
      slots
        .run(job.large, () =>
          runImage(
            {
              lease,
              imageIndex,
              imageCount: request.n,
              ask,
              large: job.large,
              asked: { size: request.size, quality: request.quality, fallback: request.fallback },
              priorAttempts: priorAttempts.get(imageIndex) ?? 0,
              stored: job.stored,
            },
            env,
            stop.signal,
          ),
        )
        .catch((error: unknown): ImageOutcome | null => {
          hard ??= error;
          stop.abort(new GatewayError("cancelled", "stopped", `Stopped: another image of this generation failed (${(error as Error).message})`));
          return null;
        }),
    ),
  );
  stop.release();

  const made = outcomes.filter((o): o is ImageOutcome => o !== null);
  const status = await conclude(job, env, signal, made, hard);
  // Thumbnails come after the end event so they never hold up "Done"; one that fails (or a worker
  // that stops first) leaves the thumb route to make it on first request.
  if (status !== "lost") await Promise.all(made.map((o) => (o.ok ? storeThumbnail(o.imageId, o.sha256).catch(() => undefined) : undefined)));
  return status;
}

/** How the run ends, by what stopped it: nothing, the worker, the lease, the store or the database. */
async function conclude(job: Job<ImageJobPayload>, env: Env, signal: AbortSignal, outcomes: ImageOutcome[], hard: unknown): Promise<JobOutcome> {
  if (hard instanceof LeaseLost || signal.reason === LEASE_LOST || signal.reason === NOT_STORED) return "lost";
  if (hard instanceof StorageError) {
    return finish(job, env, outcomes, { forced: { code: "storage_error", message: `${hard.message}. The generation was not tried again.` } });
  }
  if (hard !== undefined) {
    // The database failing (a restart, a lost connection) is worth another run, within JOB_MAX_RUNS.
    const reason = (hard as Error).message;
    if (job.runCount >= Math.max(1, env.JOB_MAX_RUNS)) {
      return finish(job, env, outcomes, { forced: { code: "database_error", message: `The studio's database failed while running this generation (${reason}); it was not tried again.` } });
    }
    await handBack(job.lease, `The studio's database failed while running this generation (${reason}); it is queued again`);
    return "requeued";
  }
  if (signal.aborted && signal.reason === SHUTDOWN) return "requeued";
  return finish(job, env, outcomes, { cancelled: job.cancelRequested || signal.aborted });
}

type Ending = { cancelled?: boolean; forced?: ErrorInfo };

async function finish(job: Job<ImageJobPayload>, env: Env, outcomes: ImageOutcome[], ending: Ending): Promise<FinalStatus> {
  const { lease, payload } = job;
  const n = payload.request.n;
  const [finals, clock, firstPartial, ledger] = await Promise.all([
    finalsOf(lease.generationId),
    jobClock(lease.generationId),
    firstPartialAttempt(lease.generationId),
    ledgerOf(lease.generationId),
  ]);
  const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
  const wasCancelled = !ending.forced && (ending.cancelled || clock.cancelRequested);
  const status: FinalStatus = ending.forced ? "failed" : wasCancelled ? "cancelled" : finals.length > 0 ? "done" : "failed";
  const firstError = failures.find((e) => e.kind !== "cancelled") ?? failures[0];
  const error: ErrorInfo | undefined =
    ending.forced ?? (status === "failed" && firstError ? errorInfo(firstError) : status === "cancelled" ? { code: "cancelled", message: "Cancelled." } : undefined);
  // What a person must be told even though it worked: missing images, less than was asked, an
  // edit's inputs changed to fit, and a result that did not keep to its mask.
  const notes = [
    ...(status === "done" && finals.length < n ? [`${finals.length} of ${n} images were made; the rest failed: ${firstError?.message ?? "unknown reason"}`] : []),
    ...finals.filter((f) => f.downgraded).map((f) => `Image ${f.imageIndex + 1}: ${f.downgraded}`),
    ...(payload.kind === "edit" ? payload.notices : []),
    ...finals.flatMap((f) => (f.fidelity?.flagged ? [`Image ${f.imageIndex + 1}: ${fidelityNotice(f.fidelity, f.rawImageId !== null)}`] : [])),
    ...outcomes.flatMap((o) => (o.ok && o.note ? [o.note] : [])),
  ];
  const notice = notes.length > 0 ? notes.join(" ") : null;

  // Every attempt that returned usage was billed, image or not; each was priced as it closed.
  const usage = sumUsage(ledger.map((a) => a.usage as Usage | null));
  const costUsd = usage ? roundUsd(ledger.reduce((sum, a) => sum + (a.costUsd ?? 0), 0)) : null;
  const latencyMs = Date.now() - clock.startedAt.getTime();
  const firstPartialMs = firstPartial ? firstPartial.startedAt.getTime() - clock.startedAt.getTime() + firstPartial.firstPartialMs : null;

  const missing = status === "done" && finals.length < n && firstError ? { count: n - finals.length, error: errorInfo(firstError) } : undefined;
  const end: EndEvent = {
    status,
    ...(error ? { error } : {}),
    ...(missing ? { missing } : {}),
    images: finals.length,
    latencyMs,
    firstPartialMs,
    usage: usage ? { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens } : null,
    costUsd,
  };
  await finishJob(
    lease,
    {
      status,
      errorCode: error?.code ?? (finals.length < n ? (firstError?.code ?? null) : null),
      errorMessage: error?.message ?? (finals.length < n ? notice : null),
      notice,
      usage,
      costUsd,
      latencyMs,
      firstPartialMs,
    },
    end,
  );
  return status;
}

export function errorInfo(error: GatewayError): ErrorInfo {
  return { code: error.code, message: error.message, ...(error.extra.field ? { field: error.extra.field } : {}) };
}

export function sumUsage(list: (Usage | null)[]): Usage | null {
  const present = list.filter((u): u is Usage => u !== null);
  if (present.length === 0) return null;
  const sum = (pick: (u: Usage) => number | undefined) => present.reduce((acc, u) => acc + (pick(u) ?? 0), 0);
  return {
    input_tokens: sum((u) => u.input_tokens),
    output_tokens: sum((u) => u.output_tokens),
    total_tokens: sum((u) => u.total_tokens ?? u.input_tokens + u.output_tokens),
    input_tokens_details: { image_tokens: sum((u) => u.input_tokens_details?.image_tokens), text_tokens: sum((u) => u.input_tokens_details?.text_tokens) },
    output_tokens_details: { image_tokens: sum((u) => u.output_tokens_details?.image_tokens), text_tokens: sum((u) => u.output_tokens_details?.text_tokens) },
  };
}

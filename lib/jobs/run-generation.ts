import { db } from "@/lib/db/client";
import type { Env } from "@/lib/env";
import { GatewayError } from "@/lib/gateway/errors";
import type { Usage } from "@/lib/gateway/stream-image";
import type { EndEvent, ErrorInfo, FinalStatus } from "@/lib/generations/events";
import { costOf } from "@/lib/jobs/cost";
import { appendEvent, inTransaction } from "@/lib/jobs/event-log";
import { storeThumbnail } from "@/lib/jobs/pictures";
import { runImage, type ImageOutcome } from "@/lib/jobs/run-image";
import type { ClaimedJob } from "@/lib/jobs/queue";
import type { Semaphore } from "@/lib/jobs/semaphore";

/**
 * Runs a claimed generation: each of its n images is its own gateway request, run under the
 * worker's concurrency limit. Images finished by an earlier run (before a restart) are kept.
 * Ends with exactly one terminal status and an `end` event, unless the worker is shutting down,
 * in which case the generation goes back to the queue.
 */
export const SHUTDOWN = "shutdown";

export async function runGeneration(gen: ClaimedJob, env: Env, slots: Semaphore, signal: AbortSignal): Promise<FinalStatus | "requeued"> {
  const generationId = gen.id;
  // A first run starts from nothing; a re-run keeps the images and counts the attempts it already has.
  const resuming = gen.runCount > 1;
  const [done, priorAttempts] =
    resuming
      ? await Promise.all([
          db().image.findMany({ where: { generationId, kind: "final" }, select: { imageIndex: true } }),
          db().attempt.groupBy({ by: ["imageIndex"], where: { generationId }, _count: true }),
        ])
      : [[], []];
  const doneIndexes = new Set(done.map((d) => d.imageIndex));
  if (resuming) {
    await appendEvent(generationId, "status", { status: "running", message: `Resuming after an interruption (run ${gen.runCount}); ${doneIndexes.size} of ${gen.n} images were already made` });
  }

  const call = {
    model: gen.model,
    prompt: gen.prompt,
    output_format: gen.outputFormat,
    ...(gen.outputCompression !== null ? { output_compression: gen.outputCompression } : {}),
    background: gen.background,
    moderation: gen.moderation,
    partial_images: gen.partialImages,
    user: gen.ownerId,
  };
  const pending = Array.from({ length: gen.n }, (_, i) => i).filter((i) => !doneIndexes.has(i));
  const outcomes = await Promise.all(
    pending.map((imageIndex) =>
      slots.run(gen.large, () =>
        runImage(
          {
            generationId,
            ownerId: gen.ownerId,
            imageIndex,
            imageCount: gen.n,
            call,
            asked: { size: gen.size, quality: gen.quality, fallback: gen.fallback },
            priorAttempts: priorAttempts.find((p) => p.imageIndex === imageIndex)?._count ?? 0,
            stored: gen.stored,
          },
          env,
          signal,
        ),
      ),
    ),
  );

  const status = signal.aborted && signal.reason === SHUTDOWN ? "requeued" : await finish(generationId, env, gen.n, outcomes, gen.cancelRequested || signal.aborted);
  // Thumbnails come after the end event so they never hold up "Done"; one that fails (or a worker
  // that stops first) leaves the thumb route to make it on first request.
  await Promise.all(outcomes.map((o) => (o.ok ? storeThumbnail(o.imageId, o.sha256).catch(() => undefined) : undefined)));
  return status;
}

async function finish(generationId: string, env: Env, n: number, outcomes: ImageOutcome[], cancelRequested: boolean): Promise<FinalStatus> {
  const [finals, fresh, firstPartial] = await Promise.all([
    db().image.findMany({ where: { generationId, kind: "final" }, orderBy: { imageIndex: "asc" }, select: { usage: true, downgraded: true, imageIndex: true } }),
    db().generation.findUniqueOrThrow({ where: { id: generationId }, select: { cancelRequested: true, startedAt: true, createdAt: true } }),
    db().attempt.findFirst({ where: { generationId, firstPartialMs: { not: null } }, orderBy: { startedAt: "asc" }, select: { startedAt: true, firstPartialMs: true } }),
  ]);
  const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
  const wasCancelled = cancelRequested || fresh.cancelRequested;
  const status: FinalStatus = wasCancelled ? "cancelled" : finals.length > 0 ? "done" : "failed";
  const firstError = failures.find((e) => e.kind !== "cancelled") ?? failures[0];
  const error: ErrorInfo | undefined =
    status === "failed" && firstError ? errorInfo(firstError) : status === "cancelled" ? { code: "cancelled", message: "Cancelled." } : undefined;
  // What a person must be told even though it worked: missing images, and less than was asked.
  const notes = [
    ...(status === "done" && finals.length < n ? [`${finals.length} of ${n} images were made; the rest failed: ${firstError?.message ?? "unknown reason"}`] : []),
    ...finals.filter((f) => f.downgraded).map((f) => `Image ${f.imageIndex + 1}: ${f.downgraded}`),
  ];
  const notice = notes.length > 0 ? notes.join(" ") : null;

  const usage = sumUsage(finals.map((f) => f.usage as Usage | null));
  const costUsd = usage ? costOf(usage, env) : null;
  const startedAt = fresh.startedAt ?? fresh.createdAt;
  const latencyMs = Date.now() - startedAt.getTime();
  const firstPartialMs = firstPartial?.firstPartialMs != null ? firstPartial.startedAt.getTime() - startedAt.getTime() + firstPartial.firstPartialMs : null;

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
  await inTransaction(async (tx) => {
    await tx.generation.update({
      where: { id: generationId },
      data: {
        status,
        errorCode: error?.code ?? (finals.length < n ? firstError?.code : null),
        errorMessage: error?.message ?? (finals.length < n ? notice : null),
        notice,
        inputTokens: usage?.input_tokens ?? null,
        outputTokens: usage?.output_tokens ?? null,
        totalTokens: usage?.total_tokens ?? null,
        costUsd,
        latencyMs,
        firstPartialMs,
        finishedAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
      },
    });
    await appendEvent(generationId, "end", end, { tx });
  });
  return status;
}

export function errorInfo(error: GatewayError): ErrorInfo {
  return { code: error.code, message: error.message, ...(error.extra.field ? { field: error.extra.field } : {}) };
}

function sumUsage(list: (Usage | null)[]): Usage | null {
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

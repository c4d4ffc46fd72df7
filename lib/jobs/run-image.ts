import { randomUUID } from "node:crypto";
import sharp from "sharp";
import type { Env } from "@/lib/env";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import { SinkFailure, streamImage, type ImageCall } from "@/lib/gateway/stream-image";
import type { GenerationEvent } from "@/lib/generations/events";
import { parseSize } from "@/lib/images/size-rules";
import { closeAttempt, openAttempt } from "@/lib/jobs/attempt-log";
import { appendEvent } from "@/lib/jobs/event-log";
import { factsOf, prepareFinal, preparePartial, type FinalPicture } from "@/lib/jobs/pictures";
import { startPreview } from "@/lib/jobs/previews";
import { deadlineFor, downgradeOf, ladderFor, retryDecision, shouldFallBack, type LadderStep } from "@/lib/jobs/policy";
import { stageBlob, stageBytes, type StagedBlob } from "@/lib/storage/blobs";
import { mark } from "@/lib/trace";

/**
 * One image of a generation: walk the fallback ladder, retrying each rung within the policy, and
 * store every partial and the final image as they arrive. Every try is an attempt row.
 */
export type ImageJob = {
  generationId: string;
  ownerId: string;
  imageIndex: number;
  imageCount: number;
  call: Omit<ImageCall, "size" | "quality">;
  asked: { size: string; quality: string; fallback: boolean };
  /** Attempts already made for this image by an earlier run (after a restart). */
  priorAttempts: number;
  /** When the generation's row is still being written: nothing is recorded before it settles. */
  stored?: Promise<void>;
};

export type ImageOutcome =
  | { ok: true; imageId: string; sha256: string }
  | { ok: false; error: GatewayError };

/** The longest an attempt's bookkeeping waits for the gateway to answer before it is written anyway. */
const BOOK_AFTER_MS = 50;

type Ctx = { job: ImageJob; env: Env; signal: AbortSignal; attempts: number };

export async function runImage(job: ImageJob, env: Env, signal: AbortSignal): Promise<ImageOutcome> {
  const ctx: Ctx = { job, env, signal, attempts: job.priorAttempts };
  const ladder = ladderFor(job.asked);
  let lastError: GatewayError | undefined;
  for (const [rung, step] of ladder.entries()) {
    const result = await runStep(ctx, step);
    if (result.ok) return result;
    lastError = result.error;
    const moreRungs = rung < ladder.length - 1;
    if (!moreRungs || !shouldFallBack(result.error)) break;
    await status(ctx, `Image ${job.imageIndex + 1}: ${step.size}/${step.quality} failed; falling back to ${ladder[rung + 1]?.size}/${ladder[rung + 1]?.quality}`);
  }
  return { ok: false, error: lastError ?? new GatewayError("bad_response", "no_attempt", "No attempt was made.") };
}

async function runStep(ctx: Ctx, step: LadderStep): Promise<ImageOutcome> {
  for (let tries = 1; ; tries++) {
    if (ctx.signal.aborted) return { ok: false, error: cancelled(ctx.signal) };
    const result = await runAttempt(ctx, step);
    if (result.ok) return result;
    const decision = retryDecision(result.error, tries, ctx.env);
    if (!decision.retry || ctx.signal.aborted) return result;
    await status(ctx, `Retrying image ${ctx.job.imageIndex + 1} in ${(decision.delayMs / 1000).toFixed(1)} s: ${decision.reason}`, ctx.attempts + 1);
    await sleep(decision.delayMs, ctx.signal);
  }
}

async function runAttempt(ctx: Ctx, step: LadderStep): Promise<ImageOutcome> {
  const { job, env } = ctx;
  ctx.attempts += 1;
  const number = ctx.attempts;
  const attemptId = randomUUID();
  const owner = { ownerId: job.ownerId, generationId: job.generationId, attemptId, imageIndex: job.imageIndex };
  const started = Date.now();
  let firstPartialMs: number | null = null;
  const what = job.imageCount > 1 ? `image ${job.imageIndex + 1} of ${job.imageCount}` : "the image";
  // The bookkeeping (the attempt row, the "Generating" status) waits until the gateway answers,
  // or BOOK_AFTER_MS at most, so none of its work competes with sending the request, and until the
  // generation's row is in. Every other write of the attempt awaits it first.
  let booking: Promise<OwnFailure | null> | undefined;
  const book = () =>
    (booking ??= Promise.resolve(job.stored)
      .then(() =>
        Promise.all([
          openAttempt({ id: attemptId, ownerId: job.ownerId, generationId: job.generationId, imageIndex: job.imageIndex, number, step: step.step, size: step.size, quality: step.quality, startedAt: new Date(started) }),
          status(ctx, number > 1 ? `Generating ${what} (attempt ${number})` : `Generating ${what}`, number),
        ]),
      )
      .then(
        () => null,
        (error: unknown) => new OwnFailure("bookkeeping failed", { cause: error }),
      ));
  const bookAnyway = setTimeout(book, BOOK_AFTER_MS);
  const bookedOrThrow = async () => {
    const failure = await book();
    if (failure) throw failure;
  };
  try {
    const call: ImageCall = { ...job.call, size: step.size, quality: step.quality };
    const limits = { signal: ctx.signal, deadlineMs: deadlineFor(step.size, env), idleMs: env.STREAM_IDLE_MS, onAnswer: book };
    // Each picture's bytes are written to a staged blob as they arrive, never held whole.
    for await (const event of streamImage(env.gateway, call, limits, stageBlob)) {
      if (event.type === "partial") {
        firstPartialMs ??= Date.now() - started;
        const [partial] = await Promise.all([ours(preparePartial(owner, event.index, event.image)), bookedOrThrow()]);
        mark("image:partial-stored");
        const announced = ours(
          appendEvent(
            job.generationId,
            "partial",
            { imageIndex: job.imageIndex, partialIndex: event.index, partialCount: job.call.partial_images, imageId: partial.id, url: partial.url },
            { prelude: partial.insert },
          ),
        );
        // Made beside the event, which goes out at once; the preview route waits for it if asked first.
        if (partial.needsPreview) startPreview(partial.id, partial.sha256, announced);
        await announced;
        mark("image:partial-event");
        continue;
      }
      const picture = await ours(finalPicture(step, event.image, event));
      const [final] = await Promise.all([ours(prepareFinal(owner, picture)), bookedOrThrow()]);
      const latencyMs = Date.now() - started;
      await ours(
        Promise.all([
          appendEvent(job.generationId, "image", imageEvent(job.imageIndex, final.id, picture, step.step), { prelude: final.insert }),
          closeAttempt(attemptId, { status: "ok", usage: event.usage, latencyMs, firstPartialMs }),
        ]),
      );
      return { ok: true, imageId: final.id, sha256: picture.blob.sha256 };
    }
    throw new GatewayError("bad_response", "truncated_stream", "The gateway's stream ended before the image was complete.");
  } catch (thrown) {
    // Our own database or disk failing is not the gateway's fault: let the job fail over (its
    // lease runs out and it is re-run) instead of blaming the gateway and retrying.
    if (thrown instanceof OwnFailure || thrown instanceof SinkFailure) throw thrown.cause;
    const bookingFailure = await book();
    if (bookingFailure) throw bookingFailure.cause;
    const error = ctx.signal.aborted ? cancelled(ctx.signal) : toGatewayError(thrown);
    await closeAttempt(attemptId, {
      status: error.kind === "cancelled" ? "cancelled" : "error",
      httpStatus: error.extra.httpStatus,
      errorCode: error.code,
      errorMessage: error.message,
      latencyMs: Date.now() - started,
      firstPartialMs,
    });
    return { ok: false, error };
  } finally {
    clearTimeout(bookAnyway);
  }
}

async function finalPicture(step: LadderStep, staged: StagedBlob, event: { echo: FinalPicture["echo"]; usage: FinalPicture["usage"]; revisedPrompt: string | null }): Promise<FinalPicture> {
  let facts = factsOf(staged);
  let blob = staged;
  const downgraded = downgradeOf(step, { width: facts.width, height: facts.height, echoedSize: event.echo.size, echoedQuality: event.echo.quality });
  let note = downgraded;
  const target = step.upscaleTo ? parseSize(step.upscaleTo) : null;
  if (target) {
    // The one step that holds a picture whole: the small drawing, upscaled and stored in its place.
    const upscaled = await sharp(staged.read()).resize(target.width, target.height, { fit: "fill", kernel: "lanczos3" }).toFormat(facts.format).toBuffer();
    staged.discard();
    blob = stageBytes(upscaled);
    note = `drawn at ${facts.width}x${facts.height} and upscaled to ${step.upscaleTo}${downgraded ? `; ${downgraded}` : ""}`;
    facts = { ...facts, width: target.width, height: target.height };
  }
  return { blob, facts, echo: event.echo, usage: event.usage, revisedPrompt: event.revisedPrompt, downgraded: note };
}

function imageEvent(imageIndex: number, imageId: string, picture: FinalPicture, step: string): Extract<GenerationEvent, { type: "image" }>["data"] {
  return {
    imageIndex,
    imageId,
    url: `/api/images/${imageId}`,
    thumbUrl: `/api/images/${imageId}/thumb`,
    width: picture.facts.width,
    height: picture.facts.height,
    format: picture.facts.format,
    revisedPrompt: picture.revisedPrompt,
    step,
    ...(picture.downgraded ? { downgraded: picture.downgraded } : {}),
  };
}

async function status(ctx: Ctx, message: string, attempt?: number): Promise<void> {
  await appendEvent(ctx.job.generationId, "status", { status: "running", message, imageIndex: ctx.job.imageIndex, ...(attempt ? { attempt } : {}) });
}

class OwnFailure extends Error {}

/** Marks failures of the studio's own storage; a GatewayError (corrupt image data) stays one. */
function ours<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw error instanceof GatewayError ? error : new OwnFailure("storage failed", { cause: error });
  });
}

function cancelled(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason;
  return reason instanceof GatewayError ? reason : new GatewayError("cancelled", "cancelled", "The generation was cancelled.");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

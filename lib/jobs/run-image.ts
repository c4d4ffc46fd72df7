import "server-only";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { closeAttempt, closeAttemptWith, openAttemptWith, type AttemptOutcome } from "@/lib/db/attempts";
import { appendEvent, type AppendOptions } from "@/lib/db/generation-events";
import { insertImageWith } from "@/lib/db/images";
import { LeaseLost, type Lease } from "@/lib/db/lease";
import type { Env } from "@/lib/env";
import { SinkFailure, type Usage } from "@/lib/gateway/client";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import type { GenerationEvent, GenerationEventMap } from "@/lib/generations/events";
import { parseSize } from "@/lib/images/size-rules";
import { priced, pricesFor } from "@/lib/jobs/cost";
import { requestImage, type ImageAsk } from "@/lib/jobs/image-request";
import { guardPicture, type Guarded } from "@/lib/jobs/mask-guard";
import { factsOf, prepareFinal, preparePartial, stageBytes, type FinalPicture } from "@/lib/jobs/pictures";
import { startPreview } from "@/lib/jobs/previews";
import { deadlineFor, differencesOf, ladderFor, retryDecision, shouldFallBack, type LadderStep } from "@/lib/jobs/policy";
import { LEASE_LOST, linkedController } from "@/lib/jobs/stop";
import { blobStore, StorageError, type StagedBlob } from "@/lib/storage";
import { mark } from "@/lib/trace";

/**
 * One image of a generation: walk the fallback ladder, retrying each rung within the policy, and
 * store every partial and the final image as they arrive. Every try is an attempt row. Every write
 * names the job's lease, so a worker that lost the job writes nothing more for it.
 *
 * A failure of the studio's own parts (its store, its database, a lost lease) is not the gateway's
 * fault and no retry would fix it: it is thrown, and the generation stops all its images.
 *
 * An edit runs the same way against the edits endpoint (`ask`); a masked edit's result then goes
 * through the mask guard (mask-guard.ts) before it is stored.
 */
export type ImageJob = {
  lease: Lease;
  imageIndex: number;
  imageCount: number;
  /** What the gateway is asked, size and quality aside (the ladder's step gives those). */
  ask: ImageAsk;
  /** Run as a large job: an edit of size `auto` then comes back large, and gets the large timeout. */
  large: boolean;
  asked: { size: string; quality: string; fallback: boolean };
  /** Attempts already made for this image by an earlier run (after a restart). */
  priorAttempts: number;
  /** Set while the job's row is still being written (queue.ts): nothing is written before it settles. */
  stored?: Promise<void>;
};

export type ImageOutcome = { ok: true; imageId: string; sha256: string; /** Something to tell beside the image. */ note?: string } | { ok: false; error: GatewayError };

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
    if (ctx.signal.aborted) return { ok: false, error: stopped(ctx.signal) };
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
  const owner = { attemptId, imageIndex: job.imageIndex };
  const started = Date.now();
  let firstPartialMs: number | null = null;
  // Usage the gateway reported, kept for the ledger even when the image then fails (a corrupt file).
  let returned: Usage | null = null;
  const billed = () => (returned ? { usage: returned, cost: priced(returned, pricesFor(job.ask.call.model, env)) } : {});
  const what = job.imageCount > 1 ? `image ${job.imageIndex + 1} of ${job.imageCount}` : "the image";
  const verb = job.ask.endpoint === "edit" ? "Editing" : "Generating";
  // The attempt row and its status event, in one statement, written once the gateway has answered
  // (or BOOK_AFTER_MS at most) so that none of its work competes with sending the request, and
  // after the job's row is in (queue.ts); every other write of the attempt awaits it. A worker
  // that lost the job learns it here and cuts its request off.
  const attempt = { id: attemptId, imageIndex: job.imageIndex, number, step: step.step, size: step.size, quality: step.quality, startedAt: new Date(started) };
  const request = linkedController(ctx.signal);
  let booking: Promise<OwnFailure | null> | undefined;
  const book = () =>
    (booking ??= Promise.resolve(job.stored)
      .then(() => status(ctx, number > 1 ? `${verb} ${what} (attempt ${number})` : `${verb} ${what}`, number, { with: [openAttemptWith("opened", attempt)] }))
      .then(
        () => null,
        (error: unknown) => {
          request.abort(BOOKING_FAILED);
          return new OwnFailure("the attempt could not be recorded", { cause: error });
        },
      ));
  const bookAnyway = setTimeout(book, BOOK_AFTER_MS);
  const booked = async () => {
    const failure = await book();
    if (failure) throw failure;
  };
  const store = blobStore();
  try {
    const deadlineMs = job.large && step.size === "auto" ? env.TIMEOUT_LARGE_MS : deadlineFor(step.size, env);
    const limits = { signal: request.signal, deadlineMs, idleMs: env.STREAM_IDLE_MS, onAnswer: book };
    // Each picture's bytes are written to a staged blob as they arrive, never held whole.
    for await (const event of requestImage(env.gateway, job.ask, step, limits, () => store.stage())) {
      if (event.type === "partial") {
        firstPartialMs ??= Date.now() - started;
        const [partial] = await Promise.all([ours(preparePartial(owner, event.index, event.image)), booked()]);
        mark("image:partial-stored");
        const data = { imageIndex: job.imageIndex, partialIndex: event.index, partialCount: job.ask.call.partial_images, imageId: partial.id, url: partial.url };
        const announced = ours(write(ctx, "partial", data, { with: [insertImageWith("image", partial.row)] }));
        // Made beside the event, which goes out at once; the preview route waits for it if asked first.
        if (partial.needsPreview) startPreview(partial.id, partial.sha256, announced);
        await announced;
        mark("image:partial-event");
        continue;
      }
      returned = event.usage;
      const [picture] = await Promise.all([ours(finalPicture(step, event.image, event)), booked()]);
      const guarded = await ours(guardedPicture(job.ask, picture));
      const raw = guarded.raw ? await ours(prepareFinal(owner, guarded.raw, "raw")) : null;
      const final = await ours(prepareFinal(owner, guarded.final, "final", { fidelity: guarded.fidelity, rawImageId: raw?.id ?? null }));
      const outcome: AttemptOutcome = { status: "ok", ...billed(), latencyMs: Date.now() - started, firstPartialMs };
      const data = { ...imageEvent(job.imageIndex, final.id, guarded.final, step.step), ...(job.ask.endpoint === "edit" ? { fidelity: guarded.fidelity, rawImageId: raw?.id ?? null } : {}) };
      // The raw row first: the final one points at it, in the same statement.
      const rows = [...(raw ? [insertImageWith("raw_image", raw.row)] : []), insertImageWith("image", final.row), closeAttemptWith("closed", attemptId, outcome)];
      await ours(write(ctx, "image", data, { with: rows }));
      return { ok: true, imageId: final.id, sha256: final.sha256, ...(guarded.note ? { note: `Image ${job.imageIndex + 1}: ${guarded.note}` } : {}) };
    }
    throw new GatewayError("bad_response", "truncated_stream", "The gateway's stream ended before the image was complete.");
  } catch (caught) {
    // The attempt row is written (or failed to be) before anything closes it.
    const bookingFailure = await book();
    const thrown = bookingFailure ?? caught;
    if (thrown instanceof OwnFailure || thrown instanceof SinkFailure) {
      // Recorded on the try when the database still answers; the generation then stops.
      const cause = thrown.cause;
      if (!(cause instanceof LeaseLost) && !bookingFailure) {
        const code = cause instanceof StorageError ? "storage_error" : "database_error";
        await closeAttempt(job.lease, attemptId, { status: "error", ...billed(), errorCode: code, errorMessage: (cause as Error).message, latencyMs: Date.now() - started, firstPartialMs }).catch(() => undefined);
      }
      throw cause;
    }
    if (ctx.signal.aborted && ctx.signal.reason === LEASE_LOST) throw new LeaseLost(job.lease.generationId);
    const error = ctx.signal.aborted ? stopped(ctx.signal) : toGatewayError(thrown);
    await closeAttempt(job.lease, attemptId, {
      status: error.kind === "cancelled" ? "cancelled" : "error",
      ...billed(),
      httpStatus: error.extra.httpStatus,
      errorCode: error.code,
      errorMessage: error.message,
      latencyMs: Date.now() - started,
      firstPartialMs,
    });
    return { ok: false, error };
  } finally {
    clearTimeout(bookAnyway);
    request.release();
  }
}

async function finalPicture(step: LadderStep, staged: StagedBlob, event: { echo: FinalPicture["echo"]; usage: FinalPicture["usage"]; revisedPrompt: string | null }): Promise<FinalPicture> {
  let facts = await factsOf(staged);
  let blob = staged;
  const downgraded = differencesOf(step, facts, event.echo);
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

/** A masked edit's result through the guard; any other picture as it came. */
async function guardedPicture(ask: ImageAsk, picture: FinalPicture): Promise<Guarded> {
  if (ask.endpoint !== "edit" || !ask.guard) return { final: picture, raw: null, fidelity: null, note: null };
  return guardPicture(picture, ask.guard);
}

export function imageEvent(imageIndex: number, imageId: string, picture: FinalPicture, step: string): Extract<GenerationEvent, { type: "image" }>["data"] {
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

function write<K extends keyof GenerationEventMap>(ctx: Ctx, type: K, data: GenerationEventMap[K], options: Omit<AppendOptions, "lease"> = {}): Promise<number> {
  return appendEvent(ctx.job.lease.generationId, type, data, { ...options, lease: ctx.job.lease });
}

async function status(ctx: Ctx, message: string, attempt?: number, options: Omit<AppendOptions, "lease"> = {}): Promise<void> {
  await write(ctx, "status", { status: "running", message, imageIndex: ctx.job.imageIndex, ...(attempt ? { attempt } : {}) }, options);
}

/** A failure of the studio's own parts (its store, its database): never the gateway's, never retried. */
export class OwnFailure extends Error {}
const BOOKING_FAILED = "booking failed";
/** The longest an attempt's bookkeeping waits for the gateway to answer before it is written anyway. */
const BOOK_AFTER_MS = 50;

/** Marks failures of the studio's own parts; a GatewayError (an image that does not decode) stays one. */
export function ours<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw error instanceof GatewayError ? error : new OwnFailure("the studio failed", { cause: error });
  });
}

/** Why a try stopped when its signal fired: cancelled by the person, or stopped with its siblings. */
export function stopped(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason;
  return reason instanceof GatewayError ? reason : new GatewayError("cancelled", "cancelled", "The generation was cancelled.");
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

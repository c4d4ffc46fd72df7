import "server-only";
import { randomUUID } from "node:crypto";
import { closeAttempt, openAttemptWith, type AttemptOutcome, type NewAttempt } from "@/lib/db/attempts";
import { appendEvent, type AppendOptions } from "@/lib/db/generation-events";
import { insertImageWith } from "@/lib/db/images";
import { LeaseLost, type Lease } from "@/lib/db/lease";
import type { Env } from "@/lib/env";
import { SinkFailure, type Echo } from "@/lib/gateway/client";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import { converse, type ConversationCall, type DoneEvent } from "@/lib/gateway/responses";
import type { GenerationEventMap } from "@/lib/generations/events";
import { priced, pricedAsText, pricesFor } from "@/lib/jobs/cost";
import { factsOf, prepareFinal, preparePartial } from "@/lib/jobs/pictures";
import { startPreview } from "@/lib/jobs/previews";
import { deadlineFor, differencesOf } from "@/lib/jobs/policy";
import { imageEvent, ours, OwnFailure, stopped } from "@/lib/jobs/run-image";
import { LEASE_LOST, linkedController } from "@/lib/jobs/stop";
import { TextEvents } from "@/lib/jobs/text-events";
import { blobStore, StorageError, type StagedBlob } from "@/lib/storage";

/**
 * One request of an agent turn: the conversation sent, the reply streamed into the turn's events
 * (text deltas, the tool's partials and pictures, each picture stored as a `final` image of the
 * turn as it arrives, through the same staging, checks and previews as a generation's), and two
 * attempts in the ledger: the request itself, billed at the text model's prices (`text`), and the
 * image tool's work, billed at the image model's (`image_tool`), opened when the tool starts.
 * Failures of the studio's own parts are thrown (the turn stops); the gateway's are returned.
 */
export type TurnRequest = {
  lease: Lease;
  call: ConversationCall;
  /** The model the tool draws with, as the turn's row names it: what its attempt is priced at. */
  imageModel: string;
  /** This request's number among the turn's (a re-run counts on from the earlier run's). */
  number: number;
  /** The image index this request's pictures start at (a re-run keeps the earlier run's). */
  firstImageIndex: number;
};

export type MadeImage = { imageId: string; sha256: string; note: string | null };

export type RequestOutcome = {
  text: string;
  images: MadeImage[];
  /** Something of this request reached the turn's events: a retry would show it twice. */
  shown: boolean;
  /** What to tell beside the reply (the tool called, no picture made). */
  note: string | null;
  /** Null when the response completed. */
  error: GatewayError | null;
};

type Ctx = { req: TurnRequest; env: Env; started: number; textAttempt: NewAttempt; tool: NewAttempt | null; firstPartialMs: number | null; outcome: RequestOutcome };

export async function runRequest(req: TurnRequest, env: Env, signal: AbortSignal): Promise<RequestOutcome> {
  const started = Date.now();
  const textAttempt = attemptOf(req, "text", req.call.model, started);
  const ctx: Ctx = { req, env, started, textAttempt, tool: null, firstPartialMs: null, outcome: { text: "", images: [], shown: false, note: null, error: null } };
  const request = linkedController(signal);
  // The attempt row and its status event, written beside the request rather than before it; every
  // other write of the request awaits it. A failure to write it cuts the request off.
  const booking = write(ctx, "status", { status: "running", message: req.number > 1 ? `Thinking… (attempt ${req.number})` : "Thinking…", attempt: req.number }, {
    with: [openAttemptWith("opened", textAttempt)],
  }).then(
    () => null,
    (error: unknown) => {
      request.abort(BOOKING_FAILED);
      return error;
    },
  );
  const booked = async () => {
    const failure = await booking;
    if (failure) throw failure;
  };
  const texts = new TextEvents((delta) => write(ctx, "text", { delta }));
  try {
    const limits = { signal: request.signal, deadlineMs: deadlineFor(req.call.tool.size, env), idleMs: env.STREAM_IDLE_MS };
    const store = blobStore();
    for await (const event of converse(env.gateway, req.call, limits, () => store.stage())) {
      if (event.type === "text") {
        texts.push(event.delta);
        ctx.outcome.text += event.delta;
        ctx.outcome.shown = true;
        continue;
      }
      // In order: the text written so far goes first; and nothing refers to the attempt before its row is in.
      await Promise.all([texts.flush(), booked()]);
      if (event.type === "drawing") await drawing(ctx);
      else if (event.type === "partial") await storePartial(ctx, event.index, event.image);
      else if (event.type === "completed") await storePicture(ctx, event.image, event.echo, event.revisedPrompt);
      else {
        await settle(ctx, event);
        return ctx.outcome;
      }
    }
    throw new GatewayError("bad_response", "truncated_stream", "The gateway's stream ended before the response was complete.");
  } catch (caught) {
    const bookingFailure = await booking;
    await texts.flush().catch(() => undefined);
    return await failed(ctx, bookingFailure ?? caught, bookingFailure !== null, signal, request.signal);
  } finally {
    request.release();
  }
}

/** The tool starts a picture: its attempt opens with the first one. */
async function drawing(ctx: Ctx): Promise<void> {
  const index = nextImageIndex(ctx);
  if (!ctx.tool) return openTool(ctx, "Drawing the picture…");
  const nth = ctx.outcome.images.length + 1;
  await write(ctx, "status", { status: "running", message: `Drawing picture ${nth}…`, imageIndex: index });
}

async function openTool(ctx: Ctx, message: string): Promise<void> {
  const tool = attemptOf(ctx.req, "image_tool", ctx.req.imageModel, Date.now());
  await write(ctx, "status", { status: "running", message, imageIndex: nextImageIndex(ctx), attempt: ctx.req.number }, { with: [openAttemptWith("opened", tool)] });
  ctx.tool = tool;
}

async function storePartial(ctx: Ctx, partialIndex: number, staged: StagedBlob): Promise<void> {
  if (!ctx.tool) await openTool(ctx, "Drawing the picture…");
  ctx.firstPartialMs ??= Date.now() - ctx.started;
  const imageIndex = nextImageIndex(ctx);
  const partial = await ours(preparePartial({ attemptId: ctx.tool!.id, imageIndex }, partialIndex, staged));
  const data = { imageIndex, partialIndex, partialCount: ctx.req.call.tool.partial_images, imageId: partial.id, url: partial.url };
  const announced = write(ctx, "partial", data, { with: [insertImageWith("image", partial.row)] });
  if (partial.needsPreview) startPreview(partial.id, partial.sha256, announced);
  await announced;
  ctx.outcome.shown = true;
}

/** The tool's finished picture, checked and stored as a final image of the turn, then announced. */
async function storePicture(ctx: Ctx, staged: StagedBlob, echo: Echo, revisedPrompt: string | null): Promise<void> {
  if (!ctx.tool) await openTool(ctx, "Drawing the picture…");
  const imageIndex = nextImageIndex(ctx);
  const facts = await ours(factsOf(staged));
  const { size, quality } = ctx.req.call.tool;
  const downgraded = differencesOf({ size, quality }, facts, echo);
  const picture = { blob: staged, facts, echo, usage: null, revisedPrompt, downgraded };
  const final = await ours(prepareFinal({ attemptId: ctx.tool!.id, imageIndex }, picture));
  await write(ctx, "image", imageEvent(imageIndex, final.id, picture, "asked"), { with: [insertImageWith("image", final.row)] });
  ctx.outcome.images.push({ imageId: final.id, sha256: final.sha256, note: downgraded ? `Image ${imageIndex + 1}: ${downgraded}` : null });
  ctx.outcome.shown = true;
}

/** The response is complete: each attempt closes with its own usage, priced at its own model. */
async function settle(ctx: Ctx, done: DoneEvent): Promise<void> {
  const { req, env } = ctx;
  const made = ctx.outcome.images.length;
  if (done.toolCalls > made) ctx.outcome.note = made === 0 ? "The image tool was called but returned no picture." : `The image tool was called ${done.toolCalls} times but returned ${made} pictures.`;
  if (!ctx.tool && (done.toolUsage || done.toolCalls > 0)) await openTool(ctx, "The image tool returned no picture");
  const timing = { latencyMs: Date.now() - ctx.started };
  const text = done.usage ? { usage: done.usage, cost: pricedAsText(done.usage, pricesFor(req.call.model, env)) } : {};
  await ours(closeAttempt(req.lease, ctx.textAttempt.id, { status: "ok", ...text, ...timing, firstPartialMs: ctx.firstPartialMs }));
  if (!ctx.tool) return;
  const tool = ctx.tool;
  const ending: Pick<AttemptOutcome, "status" | "errorCode" | "errorMessage"> =
    made > 0 ? { status: "ok" } : { status: "error", errorCode: "no_image", errorMessage: "The image tool returned no picture." };
  await ours(closeAttempt(req.lease, tool.id, { ...ending, ...(done.toolUsage ? { usage: done.toolUsage, cost: priced(done.toolUsage, pricesFor(req.imageModel, env)) } : {}), latencyMs: Date.now() - tool.startedAt.getTime(), firstPartialMs: null }));
}

/**
 * How a request that did not complete ends: the studio's own failure (its store, its database, a
 * lost lease) is thrown after the attempts are closed where the database still answers; the
 * gateway's is recorded on them and returned.
 */
async function failed(ctx: Ctx, thrown: unknown, bookingFailed: boolean, outer: AbortSignal, request: AbortSignal): Promise<RequestOutcome> {
  const open = [ctx.textAttempt, ...(ctx.tool ? [ctx.tool] : [])];
  const close = (outcome: Omit<AttemptOutcome, "latencyMs" | "firstPartialMs">) =>
    Promise.all(open.map((a) => closeAttempt(ctx.req.lease, a.id, { ...outcome, latencyMs: Date.now() - a.startedAt.getTime(), firstPartialMs: a === ctx.textAttempt ? ctx.firstPartialMs : null })));
  if (thrown instanceof OwnFailure || thrown instanceof SinkFailure) {
    const cause = thrown.cause;
    if (!(cause instanceof LeaseLost) && !bookingFailed) {
      const code = cause instanceof StorageError ? "storage_error" : "database_error";
      await close({ status: "error", errorCode: code, errorMessage: (cause as Error).message }).catch(() => undefined);
    }
    throw cause;
  }
  if (outer.aborted && outer.reason === LEASE_LOST) throw new LeaseLost(ctx.req.lease.generationId);
  const error = request.aborted ? stopped(request) : toGatewayError(thrown);
  await close({ status: error.kind === "cancelled" ? "cancelled" : "error", httpStatus: error.extra.httpStatus, errorCode: error.code, errorMessage: error.message });
  return { ...ctx.outcome, error };
}

function attemptOf(req: TurnRequest, step: "text" | "image_tool", model: string, at: number): NewAttempt {
  return { id: randomUUID(), imageIndex: 0, number: req.number, step, model, size: req.call.tool.size, quality: req.call.tool.quality, startedAt: new Date(at) };
}

function nextImageIndex(ctx: Ctx): number {
  return ctx.req.firstImageIndex + ctx.outcome.images.length;
}

function write<K extends keyof GenerationEventMap>(ctx: Ctx, type: K, data: GenerationEventMap[K], options: Omit<AppendOptions, "lease"> = {}): Promise<number> {
  return ours(appendEvent(ctx.req.lease.generationId, type, data, { ...options, lease: ctx.req.lease }));
}

const BOOKING_FAILED = "booking failed";

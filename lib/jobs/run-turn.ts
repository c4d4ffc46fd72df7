import "server-only";
import { buildResponsesInput, type BuiltInput } from "@/lib/agent/context";
import { storedImageReader } from "@/lib/agent/image-reader";
import { attemptsOfStep, firstPartialAttempt, ledgerOf } from "@/lib/db/attempts";
import { appendAssistantMessage, turnContext, type TurnContext } from "@/lib/db/conversations";
import { appendEvent } from "@/lib/db/generation-events";
import { finishJob, handBack, jobClock } from "@/lib/db/generation-queue";
import { finalIndexes, finalsOf } from "@/lib/db/images";
import { LeaseLost, type Lease } from "@/lib/db/lease";
import type { Env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";
import type { GatewayError } from "@/lib/gateway/errors";
import type { ConversationCall } from "@/lib/gateway/responses";
import type { EndEvent, ErrorInfo, FinalStatus } from "@/lib/generations/events";
import { MODELS } from "@/lib/generations/request-schema";
import { roundUsd } from "@/lib/jobs/cost";
import type { AgentTurnPayload, Job } from "@/lib/jobs/payload";
import { storeThumbnail } from "@/lib/jobs/pictures";
import { retryDecision } from "@/lib/jobs/policy";
import { errorInfo, sumUsage, type JobOutcome } from "@/lib/jobs/run-generation";
import { sleep } from "@/lib/jobs/run-image";
import type { Semaphore } from "@/lib/jobs/semaphore";
import { LEASE_LOST, NOT_STORED, SHUTDOWN } from "@/lib/jobs/stop";
import { runRequest, type RequestOutcome } from "@/lib/jobs/turn-request";
import { StorageError } from "@/lib/storage";

/**
 * Runs a claimed agent turn: the conversation as stored up to the turn's message is rebuilt into
 * one Responses request (lib/agent/context.ts), the reply streamed into the turn's events
 * (turn-request.ts), then stored as the conversation's next message, and the turn ended once with
 * its status and `end` event. Retried only within the gateway policy (network, 502/503/504,
 * never a refusal), and only while nothing of the try was shown: a retry after streamed text
 * would say it twice. Like a generation, it goes back to the queue when the worker stops, and a
 * lost lease drops it without another write.
 */
export type TurnJob = Job<AgentTurnPayload>;

/** The image model of every turn's tool: what queue.ts writes as the turn's `model`, priced as such. */
const IMAGE_MODEL = MODELS[0];

export async function runTurn(job: TurnJob, env: Env, slots: Semaphore, signal: AbortSignal): Promise<JobOutcome> {
  try {
    return await run(job, env, slots, signal);
  } catch (error) {
    if (error instanceof LeaseLost || signal.reason === LEASE_LOST || signal.reason === NOT_STORED) return "lost";
    throw error;
  }
}

type Reply = { text: string; imageIds: string[]; sha256s: string[]; notes: string[]; error: GatewayError | null };
const NOTHING: Reply = { text: "", imageIds: [], sha256s: [], notes: [], error: null };

async function run(job: TurnJob, env: Env, slots: Semaphore, signal: AbortSignal): Promise<JobOutcome> {
  await job.stored; // the row (and the message) must be in before the turn reads or writes (queue.ts's fast path)
  const resuming = job.runCount > 1;
  const [context, made, requests] = await Promise.all([turnContext(job.id), resuming ? finalIndexes(job.id) : new Set<number>(), resuming ? attemptsOfStep(job.id, "text") : 0]);
  if (resuming) await status(job.lease, `Resuming after an interruption (run ${job.runCount}): the reply starts again`);
  if (!context) return finish(job, env, null, NOTHING, { forced: { code: "conversation_gone", message: "This turn's conversation or message no longer exists; nothing was sent." } });
  let built: BuiltInput;
  try {
    built = await buildResponsesInput(context, storedImageReader(job.ownerId, env.AGENT_IMAGE_EDGE), env.AGENT_MAX_IMAGES);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    return finish(job, env, context, NOTHING, { forced: { code: "storage_error", message: `${error.message}. The message was not sent.` } });
  }
  const first = { number: requests + 1, imageIndex: made.size > 0 ? Math.max(...made) + 1 : 0 };
  let outcome: RequestOutcome | null = null;
  let hard: unknown;
  try {
    outcome = await slots.run(job.large, () => answer(job, env, signal, callOf(job, built), first));
  } catch (error) {
    hard = error;
  }
  const reply: Reply = outcome ? replyOf(outcome, built, env) : NOTHING;
  const ended = await conclude(job, env, signal, context, reply, hard);
  // Thumbnails come after the end event so they never hold up "Done"; the thumb route makes any missed.
  if (ended !== "lost") await Promise.all(reply.sha256s.map((sha256, i) => storeThumbnail(reply.imageIds[i]!, sha256).catch(() => undefined)));
  return ended;
}

/** Tries until a response completes, the policy says stop, or a try already showed something. */
async function answer(job: TurnJob, env: Env, signal: AbortSignal, call: ConversationCall, first: { number: number; imageIndex: number }): Promise<RequestOutcome> {
  for (let tries = 1; ; tries++) {
    const number = first.number + tries - 1;
    const outcome = await runRequest({ lease: job.lease, call, imageModel: IMAGE_MODEL, number, firstImageIndex: first.imageIndex }, env, signal);
    if (!outcome.error) return outcome;
    const decision = retryDecision(outcome.error, tries, env);
    if (!decision.retry || outcome.shown || signal.aborted) return outcome;
    await appendEvent(job.id, "status", { status: "running", message: `Retrying in ${(decision.delayMs / 1000).toFixed(1)} s: ${decision.reason}`, attempt: number + 1 }, { lease: job.lease });
    await sleep(decision.delayMs, signal);
  }
}

function callOf(job: TurnJob, built: BuiltInput): ConversationCall {
  const s = job.payload.settings;
  return {
    model: s.textModel,
    input: built.input,
    user: job.ownerId,
    tool: {
      size: s.size,
      quality: s.quality,
      output_format: s.format,
      ...(s.compression !== null ? { output_compression: s.compression } : {}),
      background: s.background,
      partial_images: s.partialImages,
      action: s.action,
      ...(built.mask ? { mask: built.mask } : {}),
    },
  };
}

/** The reply and what a person must be told beside it: images not resent, pictures that differ from what was asked. */
function replyOf(outcome: RequestOutcome, built: BuiltInput, env: Env): Reply {
  const { capped, gone } = built.left;
  const notes = [
    ...(capped.length > 0 ? [`${count(capped.length)} not resent: at most ${env.AGENT_MAX_IMAGES} go with each message.`] : []),
    ...(gone.length > 0 ? [`${count(gone.length)} no longer in history, not sent.`] : []),
    ...outcome.images.flatMap((image) => (image.note ? [image.note] : [])),
    ...(outcome.note ? [outcome.note] : []),
  ];
  return { text: outcome.text, imageIds: outcome.images.map((i) => i.imageId), sha256s: outcome.images.map((i) => i.sha256), notes, error: outcome.error };
}

/** How the run ends, by what stopped it: nothing, the worker, the lease, the store or the database. */
async function conclude(job: TurnJob, env: Env, signal: AbortSignal, context: TurnContext, reply: Reply, hard: unknown): Promise<JobOutcome> {
  if (hard instanceof LeaseLost || signal.reason === LEASE_LOST || signal.reason === NOT_STORED) return "lost";
  if (hard instanceof StorageError) return finish(job, env, context, reply, { forced: { code: "storage_error", message: `${hard.message}. The reply was not tried again.` } });
  if (hard !== undefined) {
    // The database failing (a restart, a lost connection) is worth another run, within JOB_MAX_RUNS.
    const reason = (hard as Error).message;
    if (job.runCount >= Math.max(1, env.JOB_MAX_RUNS)) {
      return finish(job, env, context, reply, { forced: { code: "database_error", message: `The studio's database failed while running this turn (${reason}); it was not tried again.` } });
    }
    await handBack(job.lease, `The studio's database failed while running this turn (${reason}); it is queued again`);
    return "requeued";
  }
  if (signal.aborted && signal.reason === SHUTDOWN) return "requeued";
  return finish(job, env, context, reply, { cancelled: job.cancelRequested || signal.aborted });
}

type Ending = { cancelled?: boolean; forced?: ErrorInfo };

/**
 * The turn's one end. Its reply becomes the conversation's next message when the response
 * completed, or, after a failure, when it made pictures (they are in history, and the next turn
 * should be able to refer to them); then the status, the figures summed from the ledger (the
 * text model's and the tool's attempts, each priced at its model) and the `end` event.
 */
async function finish(job: TurnJob, env: Env, context: TurnContext | null, reply: Reply, ending: Ending): Promise<FinalStatus> {
  const { lease } = job;
  const clock = await jobClock(lease.generationId);
  const cancelled = !ending.forced && (ending.cancelled || clock.cancelRequested);
  const status: FinalStatus = ending.forced ? "failed" : cancelled ? "cancelled" : reply.error ? "failed" : "done";
  const error: ErrorInfo | undefined = ending.forced ?? (status === "failed" && reply.error ? errorInfo(reply.error) : status === "cancelled" ? { code: "cancelled", message: "Cancelled." } : undefined);
  if (context && (status === "done" || reply.imageIds.length > 0)) {
    await appendAssistantMessage(lease, { conversationId: context.conversation.id, ownerId: job.ownerId, turnId: job.id, text: reply.text, imageIds: reply.imageIds });
  }
  const [finals, firstPartial, ledger] = await Promise.all([finalsOf(lease.generationId), firstPartialAttempt(lease.generationId), ledgerOf(lease.generationId)]);
  const usage = sumUsage(ledger.map((a) => a.usage as Usage | null));
  const costUsd = usage ? roundUsd(ledger.reduce((sum, a) => sum + (a.costUsd ?? 0), 0)) : null;
  const latencyMs = Date.now() - clock.startedAt.getTime();
  const firstPartialMs = firstPartial ? firstPartial.startedAt.getTime() - clock.startedAt.getTime() + firstPartial.firstPartialMs : null;
  const notice = reply.notes.length > 0 ? reply.notes.join(" ") : null;
  const end: EndEvent = {
    status,
    ...(error ? { error } : {}),
    images: finals.length,
    latencyMs,
    firstPartialMs,
    usage: usage ? { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens } : null,
    costUsd,
  };
  await finishJob(lease, { status, errorCode: error?.code ?? null, errorMessage: error?.message ?? null, notice, usage, costUsd, latencyMs, firstPartialMs }, end);
  return status;
}

async function status(lease: Lease, message: string): Promise<void> {
  await appendEvent(lease.generationId, "status", { status: "running", message }, { lease });
}

function count(images: number): string {
  return images === 1 ? "1 image was" : `${images} images were`;
}

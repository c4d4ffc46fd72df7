import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { announceQueuePositions, CANCEL_CHANNEL, finishJob, handBack, QUEUE_CHANNEL, recoverExpired, renewLeases } from "@/lib/db/generation-queue";
import type { Lease } from "@/lib/db/lease";
import { env, type Env } from "@/lib/env";
import { listen } from "@/lib/db/listener";
import { localRunner, setLocalRunner, type LocalRunner, type Slot } from "@/lib/jobs/local-runner";
import type { AgentTurnPayload, ImageJobPayload, Job } from "@/lib/jobs/payload";
import { claimJob, type Claim } from "@/lib/jobs/queue";
import { runGeneration, type JobOutcome } from "@/lib/jobs/run-generation";
import { runTurn } from "@/lib/jobs/run-turn";
import { Semaphore } from "@/lib/jobs/semaphore";
import { everyAfter } from "@/lib/jobs/every-after";
import { CANCELLED, LEASE_LOST, NOT_STORED, SHUTDOWN } from "@/lib/jobs/stop";
import { startSweeping } from "@/lib/jobs/sweep";
import { mark } from "@/lib/trace";

/**
 * Takes generations from the queue and runs them. Woken by NOTIFY when a job is queued, and by a
 * slow poll in case a notification was missed. It is also this process's local runner: a slot it
 * reserves is one fewer it claims. On stop(): takes nothing new, lets running jobs finish within
 * the grace period, then hands the rest back to the queue.
 *
 * The heartbeat renews every lease this worker holds, one beat at a time (the next is scheduled
 * when the last is done, so a slow database never stacks them). A lease it could not renew is
 * gone: that job is aborted at once, and its writes would be refused anyway (lib/db/lease.ts).
 */
export type Worker = LocalRunner & { id: string; stop: (graceMs?: number) => Promise<void>; running: () => string[] };

const POLL_MS = 1_000;

/** `stored` is false while the row of a job handed over by the fast path is still being written. */
type Running = { controller: AbortController; done: Promise<unknown>; large: boolean; lease: Lease; renewedAt: number; stored: boolean };

export async function startWorker(options: { log?: (line: string) => void; settings?: Env } = {}): Promise<Worker> {
  const settings = options.settings ?? env();
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Jobs claimed at once, and image requests in flight across them, share the same limits.
  const maxJobs = Math.max(1, settings.WORKER_CONCURRENCY);
  const maxLarge = Math.max(1, settings.WORKER_CONCURRENCY_LARGE);
  const slots = new Semaphore(maxJobs, maxLarge);
  const jobs = new Map<string, Running>();
  let stopping = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  // Slots promised to generations this process is creating, not yet started.
  const reserved = { all: 0, large: 0 };
  // The queue is known empty when a claim that could take anything found nothing and no NOTIFY
  // came meanwhile; only then may a new generation skip it.
  let queueNotices = 0;
  let queueEmpty = false;
  const largeRunning = () => [...jobs.values()].filter((j) => j.large).length + reserved.large;
  const hasRoom = () => jobs.size + reserved.all < maxJobs;

  const pump = (): Promise<void> => {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        let othersWait = false;
        while (!stopping && hasRoom()) {
          const allowLarge = largeRunning() < maxLarge;
          const noticesBefore = queueNotices;
          const claimed = await claimJob(id, settings.JOB_LEASE_MS, allowLarge).catch((error: unknown) => {
            log(`claim failed: ${(error as Error).message}`);
            return undefined;
          });
          queueEmpty = claimed === null && allowLarge && queueNotices === noticesBefore;
          if (!claimed) break;
          othersWait ||= waitingOf(claimed) > 0;
          if ("job" in claimed) start(claimed.job);
          else await refuse(claimed);
        }
        // The queue moved: those still waiting learn their new place.
        if (othersWait) await announceQueuePositions().catch((error: unknown) => log(`queue positions: ${(error as Error).message}`));
      } while (again && !stopping);
    })().finally(() => {
      pumping = null;
    });
    return pumping;
  };

  /** A row this studio cannot run (stored by another version): it fails with the reason. */
  const refuse = async ({ unreadable, reason }: Extract<Claim, { unreadable: unknown }>) => {
    const error = { code: "invalid_request", message: reason };
    const end = { status: "failed", error, images: 0, latencyMs: null, firstPartialMs: null, usage: null, costUsd: null } as const;
    const result = { status: "failed", errorCode: error.code, errorMessage: reason, notice: null, usage: null, costUsd: null, latencyMs: 0, firstPartialMs: null } as const;
    await finishJob({ generationId: unreadable.id, token: unreadable.leaseToken }, result, end).catch((e: unknown) => log(`${unreadable.id} refused, not recorded: ${(e as Error).message}`));
  };

  const start = (job: Job) => {
    mark("worker:start");
    const controller = new AbortController();
    job.stored?.catch(() => controller.abort(NOT_STORED));
    const done = runJob(job, settings, slots, controller.signal)
      .then(async (outcome) => {
        if (outcome === "requeued" && controller.signal.reason === SHUTDOWN) {
          await handBack(job.lease, "The server is restarting; this generation will continue shortly");
        }
        log(`${job.id} ${outcome}`);
      })
      .catch((error: unknown) => log(`${job.id} crashed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        jobs.delete(job.id);
        void pump();
      });
    const running: Running = { controller, done, large: job.large, lease: job.lease, renewedAt: Date.now(), stored: !job.stored };
    job.stored?.then(() => void (running.stored = true), () => undefined);
    jobs.set(job.id, running);
  };

  const abort = (generationId: string, reason: string) => jobs.get(generationId)?.controller.abort(reason);

  const renew = async () => {
    const beatAt = Date.now();
    // A row still being written is not there to renew: not finding it must not count as losing it.
    const held = [...jobs.values()].filter((j) => j.stored);
    try {
      const renewed = await renewLeases(
        held.map((j) => j.lease),
        settings.JOB_LEASE_MS,
      );
      for (const job of held) {
        const state = renewed.get(job.lease.generationId);
        if (!state) abort(job.lease.generationId, LEASE_LOST);
        else if (state.cancelRequested) abort(job.lease.generationId, CANCELLED);
        else job.renewedAt = beatAt;
      }
    } catch (error) {
      // No answer from the database: a lease not renewed for its whole length may be another's now.
      for (const job of held) if (Date.now() - job.renewedAt > settings.JOB_LEASE_MS) abort(job.lease.generationId, LEASE_LOST);
      throw error;
    }
  };

  const heartbeat = async () => {
    await renew();
    const recovered = await recoverExpired(Math.max(1, settings.JOB_MAX_RUNS), [...jobs.keys()]);
    if (recovered.requeued.length + recovered.failed.length > 0) {
      log(`recovered: requeued ${recovered.requeued.length}, failed ${recovered.failed.length}`);
    }
  };

  const reserve = (large: boolean): Slot | null => {
    if (stopping || !queueEmpty || !hasRoom() || (large && largeRunning() >= maxLarge)) return null;
    reserved.all += 1;
    if (large) reserved.large += 1;
    let open = true;
    const release = () => {
      if (!open) return false;
      open = false;
      reserved.all -= 1;
      if (large) reserved.large -= 1;
      return true;
    };
    return {
      workerId: id,
      leaseMs: settings.JOB_LEASE_MS,
      run: (job) => {
        if (release()) start(job);
      },
      release: () => {
        if (release()) void pump();
      },
    };
  };

  const unlistenQueue = await listen(QUEUE_CHANNEL, () => {
    queueNotices += 1;
    queueEmpty = false;
    void pump();
  });
  const unlistenCancel = await listen(CANCEL_CHANNEL, (payload) => abort(payload, CANCELLED));
  await heartbeat();
  const beats = everyAfter(Math.max(250, settings.JOB_LEASE_MS / 3), () => heartbeat().catch((e: unknown) => log(`heartbeat failed: ${(e as Error).message}`)));
  const sweeping = startSweeping(settings, log);
  const poll = setInterval(() => void pump(), POLL_MS);
  await pump();
  log(`started ${id}`);

  const worker: Worker = {
    id,
    reserve,
    running: () => [...jobs.keys()],
    async stop(graceMs = settings.SHUTDOWN_GRACE_MS) {
      stopping = true;
      if (localRunner() === worker) setLocalRunner(undefined);
      clearInterval(poll);
      unlistenQueue();
      await sweeping.stop();
      const allDone = () => Promise.allSettled([...jobs.values()].map((j) => j.done));
      const graceOver = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([allDone(), graceOver]);
      for (const job of jobs.values()) job.controller.abort(SHUTDOWN);
      await allDone();
      await beats.stop();
      unlistenCancel();
      log(`stopped ${id}`);
    },
  };
  setLocalRunner(worker);
  return worker;
}

/** The runner for the job's kind: an agent turn's own, or the image runner (generations and edits). */
function runJob(job: Job, settings: Env, slots: Semaphore, signal: AbortSignal): Promise<JobOutcome> {
  if (isTurn(job)) return runTurn(job, settings, slots, signal);
  return runGeneration(job as Job<ImageJobPayload>, settings, slots, signal);
}

function isTurn(job: Job): job is Job<AgentTurnPayload> {
  return job.payload.kind === "agent-turn";
}

function waitingOf(claim: Claim): number {
  return "job" in claim ? claim.job.waiting : claim.unreadable.waiting;
}

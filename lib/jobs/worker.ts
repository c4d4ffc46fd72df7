import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { env, type Env } from "@/lib/env";
import { listen } from "@/lib/jobs/listener";
import { announceQueuePositions, CANCEL_CHANNEL, QUEUE_CHANNEL, claimNext, handBack, recoverExpired, renewLeases, type ClaimedJob } from "@/lib/jobs/queue";
import { runGeneration, SHUTDOWN } from "@/lib/jobs/run-generation";
import { Semaphore } from "@/lib/jobs/semaphore";
import { mark } from "@/lib/trace";

/**
 * Takes generations from the queue and runs them. Woken by NOTIFY when a job is queued, and by a
 * slow poll in case a notification was missed. On stop(): takes nothing new, lets running jobs
 * finish within the grace period, then hands the rest back to the queue.
 */
export type Worker = { id: string; stop: (graceMs?: number) => Promise<void>; running: () => string[] };

const POLL_MS = 1_000;

export async function startWorker(options: { log?: (line: string) => void; settings?: Env } = {}): Promise<Worker> {
  const settings = options.settings ?? env();
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Jobs claimed at once, and image requests in flight across them, share the same limits.
  const maxJobs = Math.max(1, settings.WORKER_CONCURRENCY);
  const maxLarge = Math.max(1, settings.WORKER_CONCURRENCY_LARGE);
  const slots = new Semaphore(maxJobs, maxLarge);
  const jobs = new Map<string, { controller: AbortController; done: Promise<unknown>; large: boolean }>();
  let stopping = false;
  let pumping: Promise<void> | null = null;
  let again = false;

  const pump = (): Promise<void> => {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        let othersWait = false;
        while (!stopping && jobs.size < maxJobs) {
          const largeJobs = [...jobs.values()].filter((j) => j.large).length;
          const claimed = await claimNext(id, settings.JOB_LEASE_MS, largeJobs < maxLarge).catch((error: unknown) => {
            log(`claim failed: ${(error as Error).message}`);
            return null;
          });
          if (!claimed) break;
          mark("worker:claimed");
          othersWait ||= claimed.waiting > 0;
          start(claimed);
        }
        // The queue moved: those still waiting learn their new place.
        if (othersWait) await announceQueuePositions().catch((error: unknown) => log(`queue positions: ${(error as Error).message}`));
      } while (again && !stopping);
    })().finally(() => {
      pumping = null;
    });
    return pumping;
  };

  const start = (job: ClaimedJob) => {
    const { id: generationId, large } = job;
    const controller = new AbortController();
    const done = runGeneration(job, settings, slots, controller.signal)
      .then(async (outcome) => {
        if (outcome === "requeued") await handBack(generationId, id);
        log(`${generationId} ${outcome}`);
      })
      .catch((error: unknown) => log(`${generationId} crashed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        jobs.delete(generationId);
        void pump();
      });
    jobs.set(generationId, { controller, done, large });
  };

  const cancel = (generationId: string) => jobs.get(generationId)?.controller.abort("cancelled");

  const heartbeat = async () => {
    const toCancel = await renewLeases(id, [...jobs.keys()], settings.JOB_LEASE_MS);
    toCancel.forEach(cancel);
    const recovered = await recoverExpired(Math.max(1, settings.JOB_MAX_RUNS));
    if (recovered.requeued.length + recovered.failed.length > 0) {
      log(`recovered: requeued ${recovered.requeued.length}, failed ${recovered.failed.length}`);
    }
  };

  const unlistenQueue = await listen(QUEUE_CHANNEL, () => {
    mark("worker:notified");
    void pump();
  });
  const unlistenCancel = await listen(CANCEL_CHANNEL, (payload) => cancel(payload));
  await heartbeat();
  const beat = setInterval(() => void heartbeat().catch((e: unknown) => log(`heartbeat failed: ${(e as Error).message}`)), Math.max(250, settings.JOB_LEASE_MS / 3));
  const poll = setInterval(() => void pump(), POLL_MS);
  await pump();
  log(`started ${id}`);

  return {
    id,
    running: () => [...jobs.keys()],
    async stop(graceMs = settings.SHUTDOWN_GRACE_MS) {
      stopping = true;
      clearInterval(poll);
      unlistenQueue();
      const all = Promise.allSettled([...jobs.values()].map((j) => j.done));
      const graceOver = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([all, graceOver]);
      for (const job of jobs.values()) job.controller.abort(SHUTDOWN);
      await all;
      clearInterval(beat);
      unlistenCancel();
      log(`stopped ${id}`);
    },
  };
}

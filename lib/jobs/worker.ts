import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { env, type Env } from "@/lib/env";
import { listen } from "@/lib/jobs/listener";
import { localRunner, setLocalRunner, type LocalRunner, type Slot } from "@/lib/jobs/local-runner";
import { announceQueuePositions, CANCEL_CHANNEL, QUEUE_CHANNEL, claimNext, handBack, recoverExpired, renewLeases, type ClaimedJob } from "@/lib/jobs/queue";
import { runGeneration, SHUTDOWN } from "@/lib/jobs/run-generation";
import { Semaphore } from "@/lib/jobs/semaphore";
import { mark } from "@/lib/trace";

/**
 * Takes generations from the queue and runs them. Woken by NOTIFY when a job is queued, and by a
 * slow poll in case a notification was missed. It is also this process's local runner: a slot it
 * reserves is one fewer it claims. On stop(): takes nothing new, lets running jobs finish within
 * the grace period, then hands the rest back to the queue.
 */
export type Worker = LocalRunner & { id: string; stop: (graceMs?: number) => Promise<void>; running: () => string[] };

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
          const claimed = await claimNext(id, settings.JOB_LEASE_MS, allowLarge).catch((error: unknown) => {
            log(`claim failed: ${(error as Error).message}`);
            return undefined;
          });
          queueEmpty = claimed === null && allowLarge && queueNotices === noticesBefore;
          if (!claimed) break;
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
    mark("worker:start");
    const controller = new AbortController();
    // A job whose row could not be written stops at once; it has written nothing.
    job.stored?.catch(() => controller.abort("not stored"));
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
  const unlistenCancel = await listen(CANCEL_CHANNEL, (payload) => cancel(payload));
  await heartbeat();
  const beat = setInterval(() => void heartbeat().catch((e: unknown) => log(`heartbeat failed: ${(e as Error).message}`)), Math.max(250, settings.JOB_LEASE_MS / 3));
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
      const allDone = () => Promise.allSettled([...jobs.values()].map((j) => j.done));
      const graceOver = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([allDone(), graceOver]);
      for (const job of jobs.values()) job.controller.abort(SHUTDOWN);
      await allDone();
      clearInterval(beat);
      unlistenCancel();
      log(`stopped ${id}`);
    },
  };
  setLocalRunner(worker);
  return worker;
}

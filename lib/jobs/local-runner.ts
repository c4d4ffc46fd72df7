import "server-only";
import type { Job } from "@/lib/jobs/payload";

/**
 * The worker running in this process, if any (in the studio, the one inside the Next.js server).
 * A generation created here while it has a free slot and nothing waits in the queue is born
 * `running` under its lease and handed to it directly: no NOTIFY, no claim round trip. Everything
 * else goes through the queue as before, to any worker in any process.
 */
export type Slot = {
  workerId: string;
  leaseMs: number;
  /** Starts the job. The job's row is committed and carries its lease. */
  run: (job: Job) => void;
  /** Gives the slot back unused. */
  release: () => void;
};

export type LocalRunner = { reserve: (large: boolean) => Slot | null };

// On globalThis: Next.js loads the instrumentation hook (which starts the worker) and the route
// handlers (which create generations) as separate module graphs of one process.
const registry = globalThis as unknown as { studioLocalRunner?: LocalRunner };

export function localRunner(): LocalRunner | undefined {
  return registry.studioLocalRunner;
}

export function setLocalRunner(runner: LocalRunner | undefined): void {
  registry.studioLocalRunner = runner;
}

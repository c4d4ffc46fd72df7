import "server-only";
import { closeDb } from "@/lib/db/client";
import { pendingMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { closeListener } from "@/lib/db/listener";
import { startWorker } from "@/lib/jobs/worker";

/**
 * A worker for the life of this process: the Next.js server's own (started by instrumentation.ts)
 * or `npm run worker`'s. SIGTERM or SIGINT lets running jobs finish within the grace period, hands
 * the rest back to the queue, then ends the process. A worker that cannot start ends it too.
 */
export async function runWorkerProcess(): Promise<void> {
  await startWithSignals().catch((error: unknown) => {
    console.error("[worker] failed to start:", error);
    process.exit(1);
  });
}

async function startWithSignals(): Promise<void> {
  const settings = env();
  const behind = await pendingMigrations(settings.DATABASE_URL);
  if (behind.length > 0) {
    console.error(`[worker] the database is behind the code (pending: ${behind.join(", ")}); run npm run db:migrate`);
    process.exit(1);
  }
  const worker = await startWorker();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs (grace ${settings.SHUTDOWN_GRACE_MS} ms)`);
    await worker.stop();
    await closeListener();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

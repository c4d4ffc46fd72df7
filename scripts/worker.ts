import { closeDb } from "@/lib/db/client";
import { pendingMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { closeListener } from "@/lib/jobs/listener";
import { startWorker } from "@/lib/jobs/worker";

/** The job worker as its own process: `npm run worker`, or started by scripts/studio.ts. */
async function main(): Promise<void> {
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

main().catch((error: unknown) => {
  console.error("[worker] failed to start:", error);
  process.exit(1);
});

/**
 * Runs once as the Next.js server starts. The studio's job worker lives in the server process, so
 * a generation created here starts at once, without a queue round trip (lib/jobs/local-runner.ts).
 * `STUDIO_WORKER=off` leaves the jobs to workers in other processes (`npm run worker`).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.STUDIO_WORKER === "off") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { runWorkerProcess } = await import("@/lib/jobs/worker-process");
  await runWorkerProcess();
}

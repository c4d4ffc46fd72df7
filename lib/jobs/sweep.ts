import "server-only";
import { deleteExpiredPartials, unreferencedBlobs } from "@/lib/db/images";
import { exclusively } from "@/lib/db/maintenance";
import type { Env } from "@/lib/env";
import { everyAfter } from "@/lib/jobs/every-after";
import { blobStore } from "@/lib/storage";

/**
 * Keeps the store to what the database refers to. Partial previews are kept for
 * PARTIAL_RETENTION_HOURS after their generation ended (0 keeps them), then their rows go; then
 * every blob no row refers to, and every staged file a dead process left, is removed once older
 * than SWEEP_GRACE_MS. The grace is what makes it safe beside running jobs: a blob is committed a
 * moment before the row naming it, and a commit of bytes already stored marks them fresh.
 * One process sweeps at a time (an advisory lock); the others skip their turn.
 */
export type SweepSettings = Pick<Env, "PARTIAL_RETENTION_HOURS" | "SWEEP_GRACE_MS" | "SWEEP_INTERVAL_MS">;
export type SweepReport = { partials: number; staged: number; blobs: number };

const SWEEP_LOCK = 72_716_002;
const BATCH = 500;

export async function sweep(settings: SweepSettings, now = new Date()): Promise<SweepReport | null> {
  return exclusively(SWEEP_LOCK, () => sweepNow(settings, now));
}

async function sweepNow(settings: SweepSettings, now: Date): Promise<SweepReport> {
  const store = blobStore();
  const report: SweepReport = { partials: 0, staged: 0, blobs: 0 };
  if (settings.PARTIAL_RETENTION_HOURS > 0) {
    const before = new Date(now.getTime() - settings.PARTIAL_RETENTION_HOURS * 3_600_000);
    for (let removed = -1; removed !== 0; ) {
      removed = await deleteExpiredPartials(before, BATCH);
      report.partials += removed;
    }
  }
  const graceOver = new Date(now.getTime() - settings.SWEEP_GRACE_MS);
  report.staged = await store.dropStagedOlderThan(graceOver);
  let batch: string[] = [];
  const dropUnreferenced = async () => {
    for (const sha256 of await unreferencedBlobs(batch)) {
      await store.delete(sha256);
      report.blobs += 1;
    }
    batch = [];
  };
  for await (const sha256 of store.listOlderThan(graceOver)) {
    batch.push(sha256);
    if (batch.length >= BATCH) await dropUnreferenced();
  }
  await dropUnreferenced();
  return report;
}

/** Sweeps a little after start (what a crash left), then every SWEEP_INTERVAL_MS; 0 turns it off. */
export function startSweeping(settings: SweepSettings, log: (line: string) => void): { stop: () => Promise<void> } {
  if (settings.SWEEP_INTERVAL_MS <= 0) return { stop: async () => undefined };
  const turn = async () => {
    const report = await sweep(settings).catch((error: unknown) => void log(`sweep failed: ${(error as Error).message}`));
    if (report && report.partials + report.staged + report.blobs > 0) log(`swept: ${report.partials} old partials, ${report.blobs} unreferenced blobs, ${report.staged} staged files`);
  };
  return everyAfter(settings.SWEEP_INTERVAL_MS, turn, Math.min(10_000, settings.SWEEP_INTERVAL_MS));
}

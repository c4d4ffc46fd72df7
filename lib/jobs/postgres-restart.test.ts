import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { createGeneration } from "@/lib/generations/create";
import { closeStudio, openStudio, waitForEnd, type Studio } from "@/test/harness";

/**
 * PostgreSQL restarts while jobs stream. The worker's writes fail meanwhile; once the database is
 * back, every job still ends (done, or failed with a reason): none stays `running`.
 * This file runs its own cluster, since it stops it.
 */
let studio: Studio;
let pgDir: string;
let port: number;
let database: EmbeddedDatabase;

beforeAll(async () => {
  pgDir = await mkdtemp(path.join(tmpdir(), "studio-pg-restart-"));
  await chmod(pgDir, 0o755);
  port = await freePort();
  database = await startEmbeddedPostgres({ dir: path.join(pgDir, "pg"), port });
  await migrate(database.url);
  studio = await openStudio({
    latency: { firstPartialMs: 200, betweenPartialsMs: 1200, finalMs: 1200 },
    settings: { DATABASE_URL: database.url, JOB_LEASE_MS: "1500", JOB_MAX_RUNS: "3", WORKER_CONCURRENCY: "4" },
  });
});

afterAll(async () => {
  await closeStudio(studio);
  await database.stop();
  await rm(pgDir, { recursive: true, force: true });
});

describe("PostgreSQL restarted while jobs run", () => {
  it("ends every job once the database is back", async () => {
    const owner = await currentUserId();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await createGeneration(owner, { prompt: `pg restart ${n}`, quality: "low", partial_images: 2 })).id);
    const deadline = Date.now() + 15_000;
    while ((await db().image.count({ where: { kind: "partial" } })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));

    await database.stop();
    await new Promise((r) => setTimeout(r, 1500));
    database = await startEmbeddedPostgres({ dir: path.join(pgDir, "pg"), port });

    const ends = await Promise.all(ids.map((id) => waitForEnd(id, 45_000)));
    for (const gen of ends) {
      expect(["done", "failed"]).toContain(gen.status);
      if (gen.status === "failed") expect(gen.errorMessage).toBeTruthy();
    }
    expect(ends.filter((g) => g.status === "done").length).toBeGreaterThan(0);
    expect(await db().generation.count({ where: { status: { in: ["running", "queued"] } } })).toBe(0);
  });
});

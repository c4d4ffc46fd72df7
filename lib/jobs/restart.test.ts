import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { createGeneration } from "@/lib/generations/create";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { exited, spawnWorker, waitForPartial } from "@/test/worker-process";
import { closeStudio, eventsOf, imageRequests, openStudio, waitForEnd, waitForStatus, type Studio } from "@/test/harness";

/**
 * A worker process killed with SIGKILL mid-stream leaves a generation `running` with a lease that
 * runs out; the next worker re-runs it (keeping finished images) or, past JOB_MAX_RUNS, fails it
 * with a reason. A SIGTERM hands running work back to the queue after the grace period.
 */
let studio: Studio;
let owner: string;
let child: ChildProcess | null = null;
let local: Worker | null = null;

beforeAll(async () => {
  // A slow simulator: the kill lands mid-stream, between the first partial and the final image.
  studio = await openStudio({ worker: false, latency: { firstPartialMs: 100, betweenPartialsMs: 1500, finalMs: 1500 }, settings: { JOB_LEASE_MS: "1000" } });
  owner = await currentUserId();
});
afterEach(async () => {
  child?.kill("SIGKILL");
  child = null;
  await local?.stop(0);
  local = null;
});
afterAll(async () => closeStudio(studio));

describe("worker restarts", () => {
  it("re-runs a generation whose worker was killed mid-stream", async () => {
    child = spawnWorker(studio);
    const { id } = await createGeneration(owner, { prompt: "killed mid-stream", partial_images: 2, quality: "low" });
    await waitForPartial(id);
    child.kill("SIGKILL");
    await exited(child);
    expect((await db().generation.findUniqueOrThrow({ where: { id } })).status).toBe("running");

    local = await startWorker({ log: () => undefined });
    const gen = await waitForEnd(id, 30_000);
    expect(gen.status).toBe("done");
    expect(gen.runCount).toBe(2);
    const attempts = await db().attempt.findMany({ where: { generationId: id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.number)).toEqual([1, 2]);
    expect(attempts[0]!.status).toBe("running"); // the killed try, kept as it was left
    expect(attempts[1]!.status).toBe("ok");
    expect(imageRequests(studio, "killed mid-stream")).toHaveLength(2);
    const messages = (await eventsOf(id)).filter((e) => e.type === "status").map((e) => (e.data as { message: string }).message);
    expect(messages.some((m) => /stopped while running this generation; it is queued again/.test(m))).toBe(true);
  });

  it("fails it with a reason once it has used its runs", async () => {
    process.env.JOB_MAX_RUNS = "1";
    resetEnvCache();
    try {
      child = spawnWorker(studio, { JOB_MAX_RUNS: "1" });
      const { id } = await createGeneration(owner, { prompt: "killed and not retried", partial_images: 2, quality: "low" });
      await waitForPartial(id);
      child.kill("SIGKILL");
      await exited(child);
      local = await startWorker({ log: () => undefined });
      const gen = await waitForEnd(id, 30_000);
      expect(gen.status).toBe("failed");
      expect(gen.errorCode).toBe("interrupted");
      expect(gen.errorMessage).toMatch(/worker stopped while running this generation, 1 time/);
      expect((await eventsOf(id)).at(-1)?.data).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    } finally {
      delete process.env.JOB_MAX_RUNS;
      resetEnvCache();
    }
  });

  it("on SIGTERM hands unfinished work back to the queue, and the next worker finishes it", async () => {
    child = spawnWorker(studio, { SHUTDOWN_GRACE_MS: "100" });
    const { id } = await createGeneration(owner, { prompt: "handed back on shutdown", partial_images: 2, quality: "low" });
    await waitForPartial(id);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    const queued = await waitForStatus(id, ["queued"], 5_000);
    expect(queued.leaseOwner).toBeNull();
    local = await startWorker({ log: () => undefined });
    expect((await waitForEnd(id, 30_000)).status).toBe("done");
  });

  it("on SIGTERM lets a job that finishes within the grace period finish", async () => {
    child = spawnWorker(studio, { SHUTDOWN_GRACE_MS: "15000" });
    const { id } = await createGeneration(owner, { prompt: "finished during grace", partial_images: 2, quality: "low" });
    await waitForPartial(id);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    const gen = await db().generation.findUniqueOrThrow({ where: { id } });
    expect(gen.status).toBe("done");
    expect(gen.runCount).toBe(1);
  });
});

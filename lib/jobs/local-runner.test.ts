import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { startWorker } from "@/lib/jobs/worker";
import { closeStudio, eventsOf, imageRequests, openStudio, scriptFaults, waitForEnd, waitForStatus, type Studio } from "@/test/harness";

/**
 * A generation created in the process whose worker has a free slot is handed to it directly: born
 * `running` under that worker's lease, its request sent while the row is still being written.
 */
let studio: Studio;
let owner: string;

beforeAll(async () => {
  studio = await openStudio({ worker: false, latency: { firstPartialMs: 150, betweenPartialsMs: 50, finalMs: 150 } });
  owner = await currentUserId();
});
afterAll(async () => closeStudio(studio));

const start = (prompt: string) => createGeneration(owner, { prompt, size: "1024x1024", quality: "low", partial_images: 1 });
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
const firstStatus = async (id: string) => (await eventsOf(id))[0]!.data as { status: string; message: string; queuePosition?: number };

describe("the local runner", () => {
  it("starts a generation at once under its worker's lease, without the queue", async () => {
    studio.worker = await startWorker({ log: () => undefined });
    const { id } = await start("handed over directly");
    // The 202 comes once the row is committed: it is already running, leased to this worker.
    const row = await db().generation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "running", leaseOwner: studio.worker.id, runCount: 1 });
    expect(row.startedAt).not.toBeNull();
    expect(await firstStatus(id)).toMatchObject({ status: "running", message: "Sending the request to the gateway" });
    const done = await waitForEnd(id);
    expect(done.status).toBe("done");
    const events = await eventsOf(id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await db().attempt.count({ where: { generationId: id, status: "ok" } })).toBe(1);
    await studio.worker.stop(0);
    studio.worker = null;
  });

  it("queues a new generation behind one that waits, and when the worker is full", async () => {
    const { env } = await import("@/lib/env");
    studio.worker = await startWorker({ log: () => undefined, settings: { ...env(), WORKER_CONCURRENCY: 1 } });
    const a = await start("one at a time A");
    const b = await start("one at a time B");
    const c = await start("one at a time C");
    expect(await firstStatus(a.id)).toMatchObject({ status: "running" });
    expect(await firstStatus(b.id)).toMatchObject({ status: "queued", queuePosition: 1 });
    expect(await firstStatus(c.id)).toMatchObject({ status: "queued", queuePosition: 2 });
    const [ga, gb, gc] = await Promise.all([a, b, c].map(({ id }) => waitForEnd(id)));
    expect([ga!.status, gb!.status, gc!.status]).toEqual(["done", "done", "done"]);
    // In their order, one after another.
    expect(gb!.startedAt!.getTime()).toBeGreaterThanOrEqual(ga!.finishedAt!.getTime() - 50);
    expect(gc!.startedAt!.getTime()).toBeGreaterThanOrEqual(gb!.finishedAt!.getTime() - 50);
    // Once the queue is empty again, the next one skips it. (C holds its slot until its thumbnail
    // is made; then the worker looks at the queue once more and finds it empty.)
    await until(() => studio.worker!.running().length === 0);
    await new Promise((r) => setTimeout(r, 200));
    const d = await start("one at a time D");
    expect(await firstStatus(d.id)).toMatchObject({ status: "running" });
    expect((await waitForEnd(d.id)).status).toBe("done");
    await studio.worker.stop(0);
    studio.worker = null;
  });

  it("stops the request of a generation whose row could not be written, and frees the slot", async () => {
    const { env } = await import("@/lib/env");
    studio.worker = await startWorker({ log: () => undefined, settings: { ...env(), WORKER_CONCURRENCY: 1 } });
    // No such user: the row is refused (foreign key) after the request has left. The gateway
    // would hold it for STREAM_IDLE_MS (3 s) before saying anything.
    await scriptFaults(studio, "never stored", ["stall-before"]);
    await expect(createGeneration("00000000-0000-4000-8000-00000000dead", { prompt: "never stored", size: "1024x1024", quality: "low" })).rejects.toThrow();
    // Stopped at once, not when the gateway's silence runs out; no request went on to the end.
    await until(() => studio.worker!.running().length === 0, 1_000);
    expect(studio.worker.running()).toEqual([]);
    const sent = imageRequests(studio, "never stored");
    expect(sent.length).toBeLessThanOrEqual(1);
    expect(sent.filter((r) => r.completed)).toEqual([]);
    expect(await db().generation.count({ where: { prompt: "never stored" } })).toBe(0);
    expect(await db().attempt.count({ where: { generation: { prompt: "never stored" } } })).toBe(0);
    // The slot is free again: the next generation is handed over and finishes.
    const { id } = await start("after a refused row");
    await waitForStatus(id, ["running", "done"]);
    expect(await firstStatus(id)).toMatchObject({ status: "running" });
    expect((await waitForEnd(id)).status).toBe("done");
    await studio.worker.stop(0);
    studio.worker = null;
  });
  it("keeps a job whose row is slow to be written: no lost lease for a row not there yet, no takeover of its own job", async () => {
    studio.worker = await startWorker({ log: () => undefined });
    // Another session holds the owner's row: the new generation's insert waits on its foreign key
    // for longer than a lease, while the job already runs and the heartbeat beats.
    const blocker = new Client({ connectionString: studio.env.DATABASE_URL });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query("SELECT id FROM users WHERE id = $1 FOR UPDATE", [owner]);
    const created = start("a slow row");
    await new Promise((r) => setTimeout(r, 2_000));
    await blocker.query("COMMIT");
    await blocker.end();
    const { id } = await created;
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(gen.runCount).toBe(1);
    expect(await db().attempt.count({ where: { generationId: id } })).toBe(1);
    await studio.worker.stop(0);
    studio.worker = null;
  });
});

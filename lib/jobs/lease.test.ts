import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { closeStudio, eventsOf, openStudio, waitForEnd, type Studio } from "@/test/harness";

/**
 * Two worker processes; the one running a generation is frozen (SIGSTOP) mid-stream past its
 * lease, the other takes the generation over and finishes it, then the frozen one is thawed
 * (SIGCONT) with the rest of its stream waiting in its socket. Its late writes are refused: one
 * final image per index, one `end`, one final status, and nothing it wrote after the takeover.
 * (Without the fencing token in lib/db/lease.ts, its partials after the thaw were stored: 6, not 2.)
 */
let studio: Studio;
let owner: string;
const children: ChildProcess[] = [];
const root = path.resolve(import.meta.dirname, "../..");

type Spawned = { proc: ChildProcess; log: string[] };

function spawnWorker(): Spawned {
  // One process (no tsx wrapper), so the signals reach the worker itself.
  const proc = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], { cwd: root, env: { ...process.env, ...studio.env }, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  proc.stdout?.on("data", (chunk: Buffer) => log.push(...chunk.toString().split("\n").filter(Boolean)));
  proc.stderr?.resume();
  children.push(proc);
  return { proc, log };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const workerOf = (pid: number | undefined) => async (id: string) => {
  const row = await db().generation.findUniqueOrThrow({ where: { id } });
  return row.status === "running" && row.leaseOwner?.split(":")[1] === String(pid) ? row : null;
};

beforeAll(async () => {
  // Slow enough that the stream is still going when the frozen worker is thawed.
  studio = await openStudio({ worker: false, latency: { firstPartialMs: 100, betweenPartialsMs: 1200, finalMs: 2500 }, settings: { JOB_LEASE_MS: "900" } });
  owner = await currentUserId();
});
afterEach(() => {
  for (const child of children.splice(0)) {
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
});
afterAll(async () => closeStudio(studio));

describe("a worker that lost its lease", () => {
  it("writes nothing more for the generation once another worker has taken it over", async () => {
    const a = spawnWorker();
    const { id } = await createGeneration(owner, { prompt: "frozen past its lease", n: 2, partial_images: 3, quality: "low" });
    const ownedByA = await until("worker A to claim it", () => workerOf(a.proc.pid)(id));
    await until("a partial", async () => (await db().image.count({ where: { generationId: id, kind: "partial" } })) > 0);
    const runOne = await db().attempt.findMany({ where: { generationId: id } });
    a.proc.kill("SIGSTOP");

    const b = spawnWorker();
    await until("worker B to take it over", () => workerOf(b.proc.pid)(id));
    const writtenByA = async () => ({
      partials: await db().image.count({ where: { attemptId: { in: runOne.map((r) => r.id) } } }),
      closed: await db().attempt.count({ where: { id: { in: runOne.map((r) => r.id) }, status: { not: "running" } } }),
    });
    const beforeThaw = await writtenByA();
    a.proc.kill("SIGCONT");

    const gen = await waitForEnd(id, 30_000);
    expect(gen.status).toBe("done");
    expect(gen.runCount).toBe(2);
    expect(ownedByA.runCount).toBe(1);
    // A learns it lost the job and drops it, rather than finishing it a second time.
    await until("worker A to drop the job", async () => a.log.some((line) => line.includes(`${id} lost`)), 10_000);

    const finals = await db().image.findMany({ where: { generationId: id, kind: "final" } });
    expect(finals.map((f) => f.imageIndex).sort()).toEqual([0, 1]);
    const events = await eventsOf(id);
    expect(events.filter((e) => e.type === "end")).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("end");
    expect(events.filter((e) => e.type === "image")).toHaveLength(2);
    // Nothing of A's after the takeover: no partial row of its first-run attempts, none closed.
    expect(await writtenByA()).toEqual(beforeThaw);
    expect(beforeThaw.closed).toBe(0);
  });
});

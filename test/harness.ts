import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { closeListener } from "@/lib/db/listener";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { startSimulator, type LatencyOptions, type Simulator } from "@/simulator/server";

/**
 * Integration tests run the real parts: the PostgreSQL from global-setup, the simulator over real
 * HTTP on loopback, and the real worker. Settings come through process.env, as in production.
 */
export const FAST_SETTINGS: Record<string, string> = {
  RETRY_BASE_MS: "20",
  RETRY_MAX: "2",
  JOB_LEASE_MS: "1500",
  STREAM_IDLE_MS: "3000",
  TIMEOUT_MS: "8000",
  TIMEOUT_LARGE_MS: "8000",
  SHUTDOWN_GRACE_MS: "2000",
};

export type Studio = { sim: Simulator; dataDir: string; simControl: string; worker: Worker | null; env: Record<string, string> };

type OpenOptions = { latency?: LatencyOptions; settings?: Record<string, string>; worker?: boolean; /** Simulator pictures of real weight. */ grain?: number };

export async function openStudio(options: OpenOptions = {}): Promise<Studio> {
  const sim = await startSimulator({ port: 0, latency: options.latency, grain: options.grain });
  const dataDir = await mkdtemp(path.join(tmpdir(), "studio-test-data-"));
  const vars: Record<string, string> = {
    DATABASE_URL: inject("databaseUrl"),
    DATA_DIR: dataDir,
    SIMULATOR_URL: sim.url,
    ...FAST_SETTINGS,
    ...options.settings,
  };
  delete process.env.GATEWAY_API_KEY;
  delete process.env.API_KEY;
  delete process.env.GATEWAY_BASE_URL;
  Object.assign(process.env, vars);
  resetEnvCache();
  await wipeDatabase();
  const worker = options.worker === false ? null : await startWorker({ log: () => undefined });
  return { sim, dataDir, simControl: sim.url.replace(/\/v1$/, ""), worker, env: vars };
}

export async function closeStudio(studio: Studio): Promise<void> {
  await studio.worker?.stop(0);
  await closeListener();
  await closeDb();
  await studio.sim.close();
  await rm(studio.dataDir, { recursive: true, force: true });
}

export async function wipeDatabase(): Promise<void> {
  await db().$executeRawUnsafe(`TRUNCATE generation_events, images, attempts, generations, users CASCADE`);
}

/** Scripts the simulator: requests whose prompt contains `match` get these faults in order. */
export async function scriptFaults(studio: Studio, match: string, faults: string[]): Promise<void> {
  const res = await fetch(`${studio.simControl}/__sim/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ match, faults }) });
  if (!res.ok) throw new Error(`scripting the simulator failed: ${res.status} ${await res.text()}`);
}

export function imageRequests(studio: Studio, promptPart: string) {
  return studio.sim.requests.filter((r) => r.path.startsWith("/v1/images") && String(r.body?.prompt ?? "").includes(promptPart));
}

export async function waitForStatus(id: string, statuses: string[], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gen = await db().generation.findUniqueOrThrow({ where: { id } });
    if (statuses.includes(gen.status)) return gen;
    if (Date.now() > deadline) throw new Error(`generation ${id} stayed ${gen.status}; wanted ${statuses.join("/")}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

export const waitForEnd = (id: string, timeoutMs?: number) => waitForStatus(id, ["done", "failed", "cancelled"], timeoutMs);

export async function eventsOf(id: string) {
  return db().generationEvent.findMany({ where: { generationId: id }, orderBy: { seq: "asc" } });
}

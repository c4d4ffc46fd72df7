import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { db } from "@/lib/db/client";
import type { Studio } from "@/test/harness";

/**
 * The job worker as a process of its own, for tests that kill or stop it mid-job: started as one
 * process (no tsx wrapper), so a signal reaches the worker itself, with the studio's settings.
 */
const root = path.resolve(import.meta.dirname, "..");

export function spawnWorker(studio: Studio, extra: Record<string, string> = {}): ChildProcess {
  const proc = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, ...studio.env, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.resume();
  proc.stderr?.resume();
  return proc;
}

/** The process's exit code once it has exited (null: killed by a signal). */
export const exited = (proc: ChildProcess) =>
  new Promise<number | null>((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once("exit", (code) => resolve(code))));

/** Until the generation has stored its first partial preview: a job caught mid-stream. */
export async function waitForPartial(id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await db().image.count({ where: { generationId: id, kind: "partial" } })) === 0) {
    if (Date.now() > deadline) throw new Error("no partial arrived");
    await new Promise((r) => setTimeout(r, 30));
  }
}

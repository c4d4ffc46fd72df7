import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readSse } from "../test/sse-reader";

/** Starts the built studio the way `npm start` does, in a throwaway data folder, for benchmarks. */
export type RunningStudio = { baseUrl: string; simUrl: string; stop: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "..");

export async function ensureBuilt(): Promise<void> {
  if (existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  console.log("building the studio (next build)…");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(path.join(root, "node_modules/.bin/next"), ["build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited ${code}`))));
  });
}

export async function startStudio(env: Record<string, string>): Promise<RunningStudio> {
  await ensureBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), "studio-bench-"));
  chmodSync(dataDir, 0o755);
  const port = env.PORT ?? "3200";
  const simPort = env.SIM_PORT ?? "4210";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/studio.ts", "start"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "", GATEWAY_API_KEY: "", API_KEY: "", DATA_DIR: dataDir, PORT: port, SIM_PORT: simPort, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Image Studio is ready")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`the studio exited (${code}) before it was ready:\n${out}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    simUrl: `http://127.0.0.1:${simPort}/v1`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads SSE from a fetch Response, calling `onEvent` with (event name, parsed data) as each arrives. */
export function readEvents(response: Response, onEvent: (event: string, data: unknown) => boolean | void): Promise<void> {
  return readSse(response, (message) => onEvent(message.event, JSON.parse(message.data)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

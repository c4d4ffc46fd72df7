import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * The built studio started the way `npm start` does (scripts/start.mjs, which builds first when
 * the build is stale: embedded PostgreSQL in a data folder, the simulator, Next.js with its
 * worker), for benchmarks and for tests that stop and restart the whole server. Without `dataDir`
 * it gets a throwaway folder, removed on stop.
 */
export type RunningStudio = {
  baseUrl: string;
  simUrl: string;
  /** Stops it with SIGTERM (as a service manager would) and waits until every part has exited. */
  stop: () => Promise<void>;
  /** Kills the Next.js server (and so its worker) with SIGKILL, as a crash would; the rest then stops. */
  crashServer: () => Promise<void>;
  /** What the studio has printed so far (stdout and stderr). */
  output: () => string;
  /** The launcher's process id; the Next.js server and PostgreSQL run under it. */
  pid: number;
  dataDir: string;
};

const root = path.resolve(import.meta.dirname, "..");

export async function startStudio(env: Record<string, string>, options: { dataDir?: string; quiet?: boolean } = {}): Promise<RunningStudio> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "studio-run-"));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
  const port = env.PORT ?? "3200";
  const simPort = env.SIM_PORT ?? "4210";
  const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "", GATEWAY_API_KEY: "", API_KEY: "", DATA_DIR: dataDir, PORT: port, SIM_PORT: simPort, ...env },
    stdio: ["ignore", "pipe", options.quiet ? "pipe" : "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let out = "";
  child.stderr?.on("data", (chunk: Buffer) => void (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
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
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => out,
    pid: child.pid!,
    dataDir,
    crashServer: async () => {
      // The launcher's one child, which Next.js renames "next-server (v…)".
      const children = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
      const server = children.find((pid) => /^next-server|next\/dist\/bin\/next/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")));
      if (!server) throw new Error("the Next.js server process was not found");
      process.kill(Number(server), "SIGKILL");
      await exited;
    },
  };
}

import { spawn, type ChildProcess } from "node:child_process";
import { lookup } from "node:dns/promises";
import http from "node:http";
import { hostname } from "node:os";
import path from "node:path";
import { EmbeddedPostgresError } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { DEFAULT_HOST, isLoopback } from "@/lib/net/exposure";
import { SimulatorSettingError } from "@/simulator/options";
import type { Simulator } from "@/simulator/server";
import { openDatabase } from "./database";
import { forwardPort, loopbackAliases, type Forward } from "./loopback-aliases";

/**
 * The studio in one command. Starts the embedded PostgreSQL when DATABASE_URL is unset, applies
 * migrations, runs the local gateway simulator in this process when no gateway key is set, then
 * starts Next.js (`next start` on a production build, `next dev` for contributors), whose server
 * process runs the job worker (instrumentation.ts). So a production start is two processes: this
 * launcher and the Next.js server. It listens on loopback unless HOST says otherwise. Ctrl+C or
 * SIGTERM stops everything cleanly; if the server exits, everything stops.
 */
export type LaunchOptions = { mode: "dev" | "start"; root: string };

const log = (line: string) => console.log(`[studio] ${line}`);

class LaunchError extends Error {}

export async function launch({ mode, root }: LaunchOptions): Promise<void> {
  process.chdir(root);
  const parts = new Parts();
  process.on("SIGINT", () => void parts.stop(0));
  process.on("SIGTERM", () => void parts.stop(0));
  try {
    await startAll(mode, root, parts);
  } catch (error) {
    // What a person can act on is said in one paragraph; anything else keeps its stack.
    const known = error instanceof EmbeddedPostgresError || error instanceof LaunchError || error instanceof SimulatorSettingError;
    console.error(`[studio] could not start: ${known ? error.message : error instanceof Error ? error.stack : String(error)}`);
    await parts.stop(1);
  }
}

async function startAll(mode: LaunchOptions["mode"], root: string, parts: Parts): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const port = listenPort(process.env.PORT);
  const host = process.env.HOST?.trim() || DEFAULT_HOST;
  const address = await lookup(host).then(
    (found) => found.address,
    () => {
      throw new LaunchError(`HOST=${host} is neither an address nor a name this machine can resolve.`);
    },
  );

  const database = await openDatabase(log);
  parts.database = database.embedded;
  env.DATABASE_URL = database.url;
  const { applied } = await migrate(database.url);
  if (applied.length > 0) log(`migrations applied: ${applied.join(", ")}`);

  const hasKey = Boolean(process.env.GATEWAY_API_KEY || process.env.API_KEY);
  if (!hasKey) {
    // Loaded only here: with a real gateway the launcher never holds the simulator (and sharp).
    const [{ startSimulator }, { simulatorOptionsFromEnv }] = await Promise.all([import("@/simulator/server"), import("@/simulator/options")]);
    const simEnv = { ...process.env, SIM_ALLOW_TRANSPARENT: process.env.ALLOW_TRANSPARENT_BACKGROUND ?? "" };
    parts.simulator = await startSimulator(simulatorOptionsFromEnv(simEnv, 0));
    env.SIMULATOR_URL = parts.simulator.url;
    log(`no gateway key: using the LOCAL GATEWAY SIMULATOR at ${parts.simulator.url}`);
  }

  // The worker inside the Next.js server stops gracefully on SIGTERM/SIGINT (finishing or handing
  // back its jobs within SHUTDOWN_GRACE_MS), so Next.js must leave those signals to it, and
  // `next dev`'s parent process must wait for its server instead of killing it after 100 ms.
  env.NEXT_MANUAL_SIG_HANDLE = "true";
  env.NEXT_EXIT_TIMEOUT_MS = "600000";
  env.HOST = host;
  env.STUDIO_LISTEN_ADDRESS = address;
  // glibc gives each thread its own heap arena; sharp's threads then keep memory that
  // fragmentation never returns (sharp's documentation advises this on glibc).
  env.MALLOC_ARENA_MAX ??= "2";
  // V8 grows its young generation to 16 MB a half-space while images stream through in 64 KB
  // chunks; 4 MB kept the server's peak some 45 MB lower in bench:memory, scavenging more often.
  // A setting of the person's own, given later in NODE_OPTIONS, wins.
  env.NODE_OPTIONS = `--max-semi-space-size=4 ${process.env.NODE_OPTIONS ?? ""}`.trim();
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  parts.server = spawn(process.execPath, [next, mode, "--hostname", address, "--port", String(port)], { cwd: root, env, stdio: "inherit" });
  parts.server.on("exit", (code, signal) => {
    if (parts.stopping) return;
    log(`the Next.js server exited (${signal ?? code})`);
    void parts.stop(1);
  });
  await waitFor(`http://${probeHost(address)}:${port}/api/health`, parts);
  if (parts.stopping) return;

  const exposed = !isLoopback(address);
  if (!exposed) {
    for (const alias of await loopbackAliases(address)) {
      const forward = await forwardPort(alias, port, address);
      if (forward) parts.forwards.push(forward);
    }
  }
  const where = exposed ? `http://${hostname()}:${port}` : `http://${host === "localhost" ? "localhost" : probeHost(address)}:${port}`;
  if (exposed) {
    console.warn(
      `[studio] WARNING: HOST=${host} (${address}) opens the studio to the network, and it has no sign-in yet: ` +
        `anyone who can reach port ${port} can spend the gateway key and see every prompt and image. ` +
        `Unset HOST to listen on 127.0.0.1 only.`,
    );
  }
  const also = parts.forwards.map((forward) => forward.address);
  log(`Image Studio is ready at ${where}${also.length > 0 ? ` (also ${also.join(", ")})` : ""} (gateway: ${hasKey ? "real gateway" : "local simulator"})`);
}

function listenPort(raw: string | undefined): number {
  const port = Number(raw?.trim() || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new LaunchError(`PORT=${raw} is not a port number (1-65535).`);
  return port;
}

/** Where this machine reaches the server: an unspecified address listens on loopback too. */
function probeHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return "127.0.0.1";
  return address.includes(":") ? `[${address}]` : address;
}

async function waitFor(url: string, parts: Parts, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !parts.stopping) {
    if (await answersOk(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!parts.stopping) throw new LaunchError(`the Next.js server did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

/** node:http rather than fetch: fetch would load undici, some 20 MB this process otherwise never needs. */
function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on("error", () => resolve(false));
  });
}

/** What is running, stopped in reverse order: the server (and its worker), the simulator, the database. */
class Parts {
  server: ChildProcess | null = null;
  simulator: Simulator | null = null;
  database: { stop: () => Promise<void> } | null = null;
  forwards: Forward[] = [];
  stopping = false;

  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    log("stopping…");
    const server = this.server;
    if (server && server.exitCode === null && server.signalCode === null) {
      await new Promise<void>((resolve) => {
        server.once("exit", () => resolve());
        server.kill("SIGTERM");
      });
    }
    await Promise.all(this.forwards.map((forward) => forward.close()));
    await this.simulator?.close().catch(() => undefined);
    await this.database?.stop();
    process.exit(code);
  }
}

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { migrate } from "@/lib/db/migrate";
import { freePort } from "@/lib/db/embedded";
import { openDatabase } from "./database";

/**
 * `npm run dev` / `npm start`: everything a newcomer needs, in one command. Starts the embedded
 * PostgreSQL when DATABASE_URL is unset, applies migrations, starts the local gateway simulator
 * when no gateway key is set, then Next.js, whose server process runs the job worker
 * (instrumentation.ts). Ctrl+C stops them all cleanly.
 */
const mode = process.argv[2] === "start" ? "start" : "dev";
const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const log = (line: string) => console.log(`[studio] ${line}`);

const children: { name: string; child: ChildProcess }[] = [];
let shuttingDown = false;

/** A part the studio cannot run without: if it exits, everything stops. */
function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
  children.push({ name, child });
  child.on("exit", (code, signal) => {
    if (shuttingDown) return;
    log(`${name} exited (${signal ?? code})`);
    void shutdown(1);
  });
  return child;
}

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

let stopDatabase: () => Promise<void> = async () => undefined;

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log("stopping…");
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  await stopDatabase();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

  const database = await openDatabase(log);
  if (database.embedded) stopDatabase = database.embedded.stop;
  env.DATABASE_URL = database.url;
  const { applied } = await migrate(database.url);
  if (applied.length > 0) log(`migrations applied: ${applied.join(", ")}`);

  const hasKey = Boolean(process.env.GATEWAY_API_KEY || process.env.API_KEY);
  if (!hasKey) {
    const port = Number(process.env.SIM_PORT ?? (await freePort()));
    env.SIM_PORT = String(port);
    env.SIMULATOR_URL = `http://127.0.0.1:${port}/v1`;
    env.SIM_ALLOW_TRANSPARENT = process.env.ALLOW_TRANSPARENT_BACKGROUND ?? "";
    run("simulator", process.execPath, ["--import", "tsx", "simulator/main.ts"], env);
    await waitFor(`http://127.0.0.1:${port}/health`, "the gateway simulator");
    log(`no gateway key: using the LOCAL GATEWAY SIMULATOR at ${env.SIMULATOR_URL}`);
  }

  // The worker inside the Next.js server stops gracefully on SIGTERM/SIGINT (finishing or handing
  // back its jobs within SHUTDOWN_GRACE_MS), so Next.js must leave those signals to it, and
  // `next dev`'s parent process must wait for its server instead of killing it after 100 ms.
  env.NEXT_MANUAL_SIG_HANDLE = "true";
  env.NEXT_EXIT_TIMEOUT_MS = "600000";
  const port = process.env.PORT ?? "3000";
  run("next", bin("next"), [mode, "--port", port], env);
  await waitFor(`http://127.0.0.1:${port}/api/health`, "Next.js", 180_000);
  log(`Image Studio is ready at http://localhost:${port} (gateway: ${hasKey ? "real gateway" : "local simulator"})`);
}

main().catch((error: unknown) => {
  console.error("[studio] failed to start:", error);
  void shutdown(1);
});

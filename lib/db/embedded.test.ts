import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordFileOf, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";

/**
 * The embedded cluster's password: random per cluster, in a file only the studio's user reads, and
 * a cluster of the old fixed password moved off it on start. These clusters are this file's own.
 */
const LEGACY = "studio-local";
let root: string;
const running = new Set<EmbeddedDatabase>();

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "studio-pg-password-"));
  await chmod(root, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
});

afterAll(async () => {
  for (const database of running) await database.stop();
  await rm(root, { recursive: true, force: true });
});

async function start(name: string): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedPostgres({ dir: path.join(root, name) });
  running.add(database);
  return database;
}

async function stop(database: EmbeddedDatabase): Promise<void> {
  running.delete(database);
  await database.stop();
}

const portOf = (database: EmbeddedDatabase) => Number(new URL(database.url).port);

/** Connects as the studio's role with `password`: false when the server says it is wrong. */
async function logsIn(database: EmbeddedDatabase, password: string): Promise<boolean> {
  const client = new Client({ host: "127.0.0.1", port: portOf(database), user: "studio", database: "postgres", password });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "28P01") return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function query<T>(database: EmbeddedDatabase, text: string): Promise<T[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function savedPassword(name: string): Promise<{ password: string; mode: number; uid: number }> {
  const file = passwordFileOf(path.join(root, name));
  const info = await stat(file);
  return { password: (await readFile(file, "utf8")).trim(), mode: info.mode & 0o777, uid: info.uid };
}

describe("the embedded cluster's password", () => {
  it("is random per cluster, kept in a 0600 file of the studio's user, and the only one that works", async () => {
    const [a, b] = [await start("a"), await start("b")];
    const [savedA, savedB] = [await savedPassword("a"), await savedPassword("b")];
    for (const [database, saved] of [[a, savedA], [b, savedB]] as const) {
      expect(saved.mode).toBe(0o600);
      expect(saved.uid).toBe(process.getuid?.());
      expect(saved.password).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
      expect(decodeURIComponent(new URL(database.url).password)).toBe(saved.password);
      expect(await logsIn(database, saved.password)).toBe(true);
      expect(await logsIn(database, LEGACY)).toBe(false);
    }
    expect(savedA.password).not.toBe(savedB.password);
    expect(await logsIn(a, savedB.password)).toBe(false);
  });

  it("is checked by SCRAM, on loopback only", async () => {
    const a = [...running][0] ?? (await start("a"));
    const [role] = await query<{ scram: boolean }>(a, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'studio'");
    expect(role?.scram).toBe(true);
    const rules = await query<{ auth_method: string }>(a, "SELECT auth_method FROM pg_hba_file_rules");
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.auth_method))).toEqual(new Set(["scram-sha-256"]));
    expect((await query<{ listen_addresses: string }>(a, "SHOW listen_addresses"))[0]?.listen_addresses).toBe("127.0.0.1");
  });

  it("moves a cluster of the old fixed password to a random one on start, its data kept", async () => {
    // The old scheme: the fixed password, and no password file.
    const old = await start("legacy");
    await query(old, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await query(old, `ALTER ROLE studio PASSWORD '${LEGACY}'`);
    await stop(old);
    await rm(passwordFileOf(path.join(root, "legacy")));

    const moved = await start("legacy");
    const saved = await savedPassword("legacy");
    expect(saved.mode).toBe(0o600);
    expect(saved.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await logsIn(moved, LEGACY)).toBe(false);
    expect(await logsIn(moved, saved.password)).toBe(true);
    expect(await query<{ v: string }>(moved, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    const [role] = await query<{ scram: boolean }>(moved, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'studio'");
    expect(role?.scram).toBe(true);
    await stop(moved);

    // And the next start simply uses the file.
    const again = await start("legacy");
    expect((await savedPassword("legacy")).password).toBe(saved.password);
    expect(await logsIn(again, saved.password)).toBe(true);
    await stop(again);
  });

  it("finishes a move that stopped after the role changed but before the file was in place", async () => {
    const first = await start("interrupted");
    const pending = `${passwordFileOf(path.join(root, "interrupted"))}.new`;
    const chosen = "A".repeat(43);
    await query(first, `ALTER ROLE studio PASSWORD '${chosen}'`);
    await stop(first);
    await rm(passwordFileOf(path.join(root, "interrupted")));
    await writeFile(pending, `${chosen}\n`, { mode: 0o600 });

    const resumed = await start("interrupted");
    expect((await savedPassword("interrupted")).password).toBe(chosen);
    expect(await logsIn(resumed, chosen)).toBe(true);
    await expect(stat(pending)).rejects.toThrow();
    await stop(resumed);
  });
});

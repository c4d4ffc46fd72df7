import { createHash } from "node:crypto";
import path from "node:path";
import { folderBlockingPostgres, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { systemDir } from "@/lib/db/postgres-runtime";

/**
 * The database the studio uses: DATABASE_URL when set, else an embedded PostgreSQL under
 * DATA_DIR/pg (started here, stopped by the caller).
 */
export async function openDatabase(log: (line: string) => void = console.log): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: null };
  let dir = path.resolve(process.env.DATA_DIR ?? "data", "pg");
  const blocking = await folderBlockingPostgres(dir);
  if (blocking) {
    // As root in a private home: keep the cluster where the postgres user can reach it, one per checkout.
    const checkout = createHash("sha256").update(process.cwd()).digest("hex").slice(0, 10);
    dir = path.join(systemDir(), `pg-${checkout}`);
    log(`${blocking} is closed to the postgres user; the embedded database lives in ${dir} instead`);
  }
  const shown = path.relative(process.cwd(), dir);
  log(`no DATABASE_URL: starting the embedded PostgreSQL in ${shown && !shown.startsWith("..") ? shown : dir}`);
  const embedded = await startEmbeddedPostgres({ dir, log, serverLog: process.env.STUDIO_PG_LOG ? log : undefined });
  return { url: embedded.url, embedded };
}

export async function withDatabase(work: (url: string) => Promise<void>): Promise<void> {
  const { url, embedded } = await openDatabase();
  try {
    await work(url);
  } finally {
    await embedded?.stop();
  }
}

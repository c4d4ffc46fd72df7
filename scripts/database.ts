import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";

/**
 * The database the studio uses: DATABASE_URL when set, else an embedded PostgreSQL under
 * DATA_DIR/pg (started here, stopped by the caller).
 */
export async function openDatabase(log: (line: string) => void = console.log): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: null };
  const dir = path.resolve(process.env.DATA_DIR ?? "data", "pg");
  log(`no DATABASE_URL: starting the embedded PostgreSQL in ${path.relative(process.cwd(), dir) || dir}`);
  const embedded = await startEmbeddedPostgres({ dir });
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

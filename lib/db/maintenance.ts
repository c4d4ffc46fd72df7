import "server-only";
import { Client } from "pg";
import { env } from "@/lib/env";

/**
 * Runs `work` only if no other process is running it: a session advisory lock on a connection of
 * its own (not the pool's, whose connections are shared), released when the work ends. Returns
 * null when another process holds the lock.
 */
export async function exclusively<T>(key: number, work: () => Promise<T>): Promise<T | null> {
  const client = new Client({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
    if (!rows[0]?.locked) return null;
    return await work();
  } finally {
    await client.end().catch(() => undefined);
  }
}

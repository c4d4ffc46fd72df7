import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "@/lib/db/generated/client";
import { CONNECT_TIMEOUT_MS, KEEP_ALIVE, QUERY_LIMITS } from "@/lib/db/connection-settings";
import { env } from "@/lib/env";

/**
 * One connection pool per process, kept on globalThis so Next's dev reloads do not open new ones.
 * Prisma runs on it for everything, and `sqlRows` runs the job path's few hot statements on it
 * straight through `pg`: measured here, Prisma adds about 1 ms to every query (5 ms at p90), and
 * a generation's way from POST to its first partial takes several. Same pool, same SQL, one
 * database.
 *
 * The rule for `sqlRows` over Prisma: use Prisma, unless the statement is
 *  - on a generation's hot path, run once or more per event while a job streams (its events,
 *    attempts and image rows, and the lookups a live view makes as each partial arrives), where the
 *    ~1 ms Prisma adds per query is paid many times over; or
 *  - one Prisma cannot express: a CTE chain ending in pg_notify, FOR UPDATE SKIP LOCKED.
 * Either way the statement is built with `Prisma.sql`, so values are always parameters, and a comment
 * beside it says which of the two reasons holds.
 */
type Handles = { pool: pg.Pool; prisma: PrismaClient };
const globalForDb = globalThis as unknown as { studioDb?: Handles };

function handles(): Handles {
  if (!globalForDb.studioDb) {
    // Idle connections stay open: a new one costs PostgreSQL a process fork, measured at 30 ms
    // here, which pg's default (close after 10 s idle) put on the first request after a pause.
    const pool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: 10,
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...KEEP_ALIVE,
      ...QUERY_LIMITS,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on("error", () => undefined);
    globalForDb.studioDb = { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
  }
  return globalForDb.studioDb;
}

export function db(): PrismaClient {
  return handles().prisma;
}

/** Runs one statement built with `Prisma.sql` on the pool directly; values are always parameters. */
export async function sqlRows<T>(statement: Prisma.Sql): Promise<T[]> {
  const result = await handles().pool.query(statement.text, statement.values);
  return result.rows as T[];
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.studioDb;
  globalForDb.studioDb = undefined;
  await current?.prisma.$disconnect();
  await current?.pool.end();
}

/** Health: the database answers a query. */
export async function databaseAnswers(): Promise<boolean> {
  return handles().pool.query("SELECT 1").then(
    () => true,
    () => false,
  );
}

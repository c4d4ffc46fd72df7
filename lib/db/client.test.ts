import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeDb, db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { resetEnvCache } from "@/lib/env";

/** The pool's server-side limits reach PostgreSQL, on the raw path and under Prisma alike. */
beforeAll(() => {
  process.env.DATABASE_URL = inject("databaseUrl");
  resetEnvCache();
});
afterAll(async () => closeDb());

type Limits = { statement: string; idle: string };
const LIMITS = Prisma.sql`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`;

describe("the connection pool", () => {
  it("sets the statement and idle-in-transaction timeouts on its sessions", async () => {
    expect(await sqlRows<Limits>(LIMITS)).toEqual([{ statement: "30s", idle: "1min" }]);
    expect(await db().$queryRaw<Limits[]>(LIMITS)).toEqual([{ statement: "30s", idle: "1min" }]);
  });
});

import { redirect } from "next/navigation";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { z } from "zod";
import { closeDb, db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { resetEnvCache } from "@/lib/env";
import { ApiError, toApiError } from "@/lib/errors";
import { handle } from "@/lib/http/handle";
import { route } from "@/lib/http/route";

/**
 * The one error mapping, fed what PostgreSQL, Prisma and zod really throw (the errors are made on
 * the test database, not imitated), and the two wrappers that use it.
 */
beforeAll(() => {
  process.env.DATABASE_URL = inject("databaseUrl");
  resetEnvCache();
});
afterAll(async () => closeDb());

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected the work to fail");
}

/** Maps quietly: the mapping logs what it maps, which is noise here. */
function mapped(error: unknown): { error: ApiError; logged: number } {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    return { error: toApiError(error), logged: warn.mock.calls.length + log.mock.calls.length };
  } finally {
    warn.mockRestore();
    log.mockRestore();
  }
}

const nul = "a\u0000b";

describe("toApiError: values PostgreSQL refused, however they arrive", () => {
  it.each([
    ["NUL in text, through the pool (22021)", () => sqlRows(Prisma.sql`SELECT ${nul}::text`)],
    ["NUL in text, through Prisma (P2039 over 22021)", () => db().user.create({ data: { id: "00000000-0000-4000-8000-0000000000b1", name: nul } })],
    ["NUL in a Prisma filter", () => db().generation.findMany({ where: { prompt: { contains: nul } } })],
    ["a character LATIN1 has not (22P05)", () => sqlRows(Prisma.sql`SELECT convert_to(${"€"}, 'LATIN1')`)],
    ["a malformed uuid, through the pool (22P02)", () => sqlRows(Prisma.sql`SELECT ${"zz"}::uuid`)],
    ["a malformed uuid, through Prisma (P2007 over 22P02)", () => db().generation.findFirst({ where: { id: "not-a-uuid" } })],
    ["a malformed uuid, through $queryRaw (P2010 over 22P02)", () => db().$queryRaw`SELECT ${"zz"}::uuid`],
    ["a date that is no date (22007)", () => sqlRows(Prisma.sql`SELECT ${"yesterday-ish"}::timestamptz`)],
    ["a date out of range (22008)", () => sqlRows(Prisma.sql`SELECT ${"2024-13-45"}::timestamptz`)],
    ["a year before 4713 BC, through Prisma (22009)", () => db().generation.findMany({ where: { createdAt: { lt: new Date("-271821-04-20T00:00:00.000Z") } } })],
  ])("%s: 400 invalid_request, no detail", async (_name, work) => {
    const { error, logged } = mapped(await thrown(work));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: "invalid_request" });
    expect(error.message).not.toMatch(/0x00|zz|not-a-uuid|LATIN1|2024-13|syntax|Invalid `/);
    expect(logged).toBe(1); // a check in front is missing: worth a line in the log
  });

  it("takes Prisma's own input codes when no SQLSTATE comes with them", () => {
    const error = Object.assign(new Error("Inconsistent column data"), { name: "PrismaClientKnownRequestError", code: "P2023" });
    expect(mapped(error).error).toMatchObject({ status: 400, code: "invalid_request" });
  });
});

describe("toApiError: everything else", () => {
  it.each([
    ["a division by zero (22012, a bug, not input)", () => sqlRows(Prisma.sql`SELECT 1 / ${0}::int`)],
    ["a syntax error", () => sqlRows(Prisma.sql`SELEC 1`)],
    ["a plain error", () => Promise.reject(new Error("the secret path /etc/studio"))],
    ["a string", () => Promise.reject("just text")],
  ])("%s: 500 internal_error, logged, saying nothing of it", async (_name, work) => {
    const { error, logged } = mapped(await thrown(work));
    expect(error.body).toEqual({ code: "internal_error", message: "Something went wrong on the server; the error was logged" });
    expect(error.status).toBe(500);
    expect(logged).toBe(1);
  });

  it("keeps an ApiError as it is, and makes a zod failure a 422 naming the field", () => {
    const own = new ApiError(409, "invalid_request", "mine", "x");
    expect(toApiError(own)).toBe(own);
    const failure = z.object({ limit: z.number({ error: "limit must be a number" }) }).safeParse({ limit: "x" });
    expect(failure.success).toBe(false);
    expect(toApiError(failure.error).body).toEqual({ code: "invalid_request", message: "limit must be a number", field: "limit" });
    expect(toApiError(failure.error).status).toBe(422);
  });
});

describe("the wrappers over it", () => {
  it("route() answers a refused value with 400 JSON, not a 500", async () => {
    const handler = route(async () => {
      await sqlRows(Prisma.sql`SELECT ${nul}::text`);
      return new Response("unreachable");
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const res = await handler(new Request("http://studio.test/x"), { params: Promise.resolve({}) });
    warn.mockRestore();
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });

  it("handle(), behind the server actions, gives the same ApiError", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const result = await handle(() => db().generation.findFirst({ where: { id: "not-a-uuid" } }));
    warn.mockRestore();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ status: 400, code: "invalid_request" });
    expect(await handle(async () => 7)).toEqual({ ok: true, value: 7 });
  });

  it("handle() lets Next's redirect() through rather than calling it a failure", async () => {
    await expect(handle(async () => redirect("/elsewhere"))).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
  });
});

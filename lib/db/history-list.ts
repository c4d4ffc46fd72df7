import "server-only";
import { z } from "zod";
import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { ApiError, validateQuery } from "@/lib/errors";
import { GENERATION_STATUSES } from "@/lib/generations/events";
import { FORMATS, MODELS, QUALITIES } from "@/lib/generations/request-schema";
import { storableText } from "@/lib/validation/storable-text";
import { isUuid } from "@/lib/validation/uuid";

/**
 * The history list: an owner's generations newest first by keyset (created_at, id), with search
 * over prompt and revised prompts and the filters, every value checked before a query.
 */

/**
 * Dates a query may carry: years 1 to 9999. PostgreSQL holds more, but Prisma sends a date of a
 * year before 1 in a form PostgreSQL refuses, and no generation is dated outside these anyway.
 */
const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const holdable = (date: Date) => date.getTime() >= EARLIEST && date.getTime() <= LATEST;

const text = (field: string, max: number) =>
  z.string().max(max, { error: `${field} must be at most ${max} characters` }).check(storableText(field));

const when = (field: "from" | "to") =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: `${field} must be an ISO date (2026-03-01) or date-time (2026-03-01T12:00:00Z)` })
    .refine((value) => holdable(new Date(value)), { error: `${field} must be a date from year 1 to 9999` });

const FILTER_SIZE = /^(auto|\d{1,5}x\d{1,5})$/;

/** The history list's query; a value it refuses is a 400 naming the parameter (validateQuery). */
export const listQuerySchema = z
  .object({
    cursor: z.string().optional(),
    limit: z.coerce.number({ error: "limit must be a number" }).int({ error: "limit must be a whole number" }).min(1, { error: "limit must be at least 1" }).max(100, { error: "limit must be at most 100" }).default(30),
    q: text("q", 500).optional(),
    model: z.enum(MODELS, { error: `model must be one of: ${MODELS.join(", ")}` }).optional(),
    size: text("size", 20)
      .refine((size) => FILTER_SIZE.test(size), { error: "size must be auto or WIDTHxHEIGHT, such as 1024x1024" })
      .optional(),
    quality: z.enum(QUALITIES, { error: `quality must be one of: ${QUALITIES.join(", ")}` }).optional(),
    format: z.enum(FORMATS, { error: `format must be one of: ${FORMATS.join(", ")}` }).optional(),
    status: z.enum(GENERATION_STATUSES, { error: `status must be one of: ${GENERATION_STATUSES.join(", ")}` }).optional(),
    favorite: z.enum(["true", "false", "1", "0"], { error: "favorite must be true or false" }).optional(),
    from: when("from").optional(),
    to: when("to").optional(),
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && start(query.from) > end(query.to).at) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must not be before from" });
    }
  });

/** A date-only `from` starts that day (UTC); a date-only `to` takes in the whole day. */
const start = (value: string) => new Date(value);
const end = (value: string): { at: Date; inclusive: boolean } =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? { at: new Date(Date.parse(value) + 86_400_000), inclusive: false } : { at: new Date(value), inclusive: true };

type Cursor = { createdAt: Date; id: string };

/**
 * A cursor is only ever one encodeCursor wrote, so anything else is refused by name (400), before
 * a query: a malformed id or date would otherwise reach PostgreSQL and fail there.
 */
export function decodeCursor(cursor: string): Cursor {
  const refuse = (why: string) => new ApiError(400, "invalid_cursor", `cursor is not one this API gave out (${why})`, "cursor");
  // Buffer skips what is not base64url (and takes padding and stray bits); only our own form comes back the same.
  const bytes = Buffer.from(cursor, "base64url");
  if (bytes.toString("base64url") !== cursor) throw refuse("not base64url");
  const parts = bytes.toString("utf8").split("|");
  if (parts.length !== 2) throw refuse("not a date and an id joined by |");
  const [at = "", id = ""] = parts;
  const createdAt = new Date(at);
  // Only toISOString()'s own form comes back the same: not a bare date, nor what Date reads leniently (2024-02-30 as 1 March).
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) throw refuse("its date is not an ISO date-time");
  if (!holdable(createdAt)) throw refuse("its date is outside the years 1 to 9999");
  if (!isUuid(id)) throw refuse("its id is not a UUID");
  return { createdAt, id: id.toLowerCase() };
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, "utf8").toString("base64url");
}

/**
 * What history searches: the prompt and the final images' revised prompts. Written exactly as the
 * GIN trigram index of migration 20261203000000_history_search is, so the planner can use it.
 */
const SEARCHED = Prisma.raw(`(g.prompt || ' ' || coalesce(g.revised_prompts, ''))`);
const MAX_TERMS = 8;

/** The words of a search, each to be found somewhere (case-insensitive, as a substring). */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return [...new Set(q.trim().split(/\s+/).filter(Boolean))].slice(0, MAX_TERMS);
}

/** A LIKE pattern finding `term` anywhere, its own %, _ and \\ taken literally. */
const containing = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type HistoryItem = {
  id: string;
  /** An edit of images, a generation from a prompt alone, or a turn of an agent conversation. */
  kind: "generate" | "edit" | "agent-turn";
  status: string;
  prompt: string;
  model: string;
  size: string;
  quality: string;
  outputFormat: string;
  n: number;
  favorite: boolean;
  totalTokens: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  /** Why a failed or cancelled generation ended so; null for the others. */
  error: { code: string; message: string } | null;
  createdAt: string;
  cover: { id: string; width: number; height: number; thumbUrl: string } | null;
};

type HistoryRow = Omit<HistoryItem, "error" | "createdAt" | "cover"> & {
  errorMessage: string | null;
  createdAt: Date;
  coverId: string | null;
  coverWidth: number | null;
  coverHeight: number | null;
};

/**
 * A page of an owner's history, newest first, by keyset (created_at, id), with search and filters.
 * On the pool through `sqlRows` because Prisma cannot express it: the search is ILIKE over an
 * expression of two columns (what the trigram index holds), and the keyset a row comparison.
 */
export async function listGenerations(ownerId: string, params: URLSearchParams): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const { statement, limit } = historyQuery(ownerId, params);
  const rows = await sqlRows<HistoryRow>(statement);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ errorMessage, createdAt, coverId, coverWidth, coverHeight, ...row }) => ({
      ...row,
      error: row.errorCode && (row.status === "failed" || row.status === "cancelled") ? { code: row.errorCode, message: errorMessage ?? "" } : null,
      createdAt: createdAt.toISOString(),
      cover: coverId ? { id: coverId, width: coverWidth ?? 0, height: coverHeight ?? 0, thumbUrl: `/api/images/${coverId}/thumb` } : null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The page's statement for a query string (one row more than the page, to know if another follows); the benchmark EXPLAINs it. */
export function historyQuery(ownerId: string, params: URLSearchParams): { statement: Prisma.Sql; limit: number } {
  const query = validateQuery(listQuerySchema, params);
  const where: Prisma.Sql[] = [Prisma.sql`g.owner_id = ${ownerId}::uuid`];
  for (const term of searchTerms(query.q)) where.push(Prisma.sql`${SEARCHED} ILIKE ${containing(term)}`);
  if (query.model) where.push(Prisma.sql`g.model = ${query.model}`);
  if (query.size) where.push(Prisma.sql`g.size = ${query.size}`);
  if (query.quality) where.push(Prisma.sql`g.quality = ${query.quality}`);
  if (query.format) where.push(Prisma.sql`g.output_format = ${query.format}`);
  if (query.status) where.push(Prisma.sql`g.status = ${query.status}`);
  if (query.favorite) where.push(query.favorite === "true" || query.favorite === "1" ? Prisma.sql`g.favorite` : Prisma.sql`NOT g.favorite`);
  if (query.from) where.push(Prisma.sql`g.created_at >= ${start(query.from)}::timestamptz`);
  if (query.to) {
    const until = end(query.to);
    where.push(until.inclusive ? Prisma.sql`g.created_at <= ${until.at}::timestamptz` : Prisma.sql`g.created_at < ${until.at}::timestamptz`);
  }
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.push(Prisma.sql`(g.created_at, g.id) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  return { statement: historyPage(where, query.limit + 1), limit: query.limit };
}

function historyPage(where: Prisma.Sql[], take: number): Prisma.Sql {
  return Prisma.sql`
    SELECT g.id::text AS id, g.kind, g.status, g.prompt, g.model, g.size, g.quality, g.output_format AS "outputFormat", g.n, g.favorite,
      g.total_tokens AS "totalTokens", g.cost_usd::float8 AS "costUsd", g.latency_ms AS "latencyMs",
      g.error_code AS "errorCode", g.error_message AS "errorMessage", g.created_at AS "createdAt",
      cover.id::text AS "coverId", cover.width AS "coverWidth", cover.height AS "coverHeight"
    FROM generations g
    LEFT JOIN LATERAL (
      SELECT i.id, i.width, i.height FROM images i
      WHERE i.generation_id = g.id AND i.kind = 'final' ORDER BY i.image_index LIMIT 1
    ) cover ON true
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY g.created_at DESC, g.id DESC
    LIMIT ${take}`;
}

import "server-only";
import { z } from "zod";
import { db, sqlRows } from "@/lib/db/client";
import { editOrigin, editsOf } from "@/lib/db/edits";
import { Prisma } from "@/lib/db/generated/client";
import type { ImageKind } from "@/lib/db/images";
import { ApiError, validateQuery } from "@/lib/errors";
import type { ImageFidelity } from "@/lib/generations/events";
import { GENERATION_STATUSES } from "@/lib/generations/events";
import { FORMATS, MODELS, QUALITIES } from "@/lib/generations/request-schema";
import { storableText } from "@/lib/validation/storable-text";
import { isUuid } from "@/lib/validation/uuid";

/** Owner-scoped reads of generations: every function takes the owner and never looks past it. */

/** Straight on the pool (no Prisma): it runs as a live view opens, beside a generation's start. */
export async function findOwnedGeneration(ownerId: string, id: string): Promise<{ id: string; status: string } | null> {
  const rows = await sqlRows<{ id: string; status: string }>(
    Prisma.sql`SELECT id::text, status FROM generations WHERE id = ${id}::uuid AND owner_id = ${ownerId}::uuid`,
  );
  return rows[0] ?? null;
}

/** The owner's newest generation still queued or running, to reattach to when they come back. */
export async function latestActiveGeneration(ownerId: string): Promise<string | null> {
  const gen = await db().generation.findFirst({
    where: { ownerId, status: { in: ["queued", "running"] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return gen?.id ?? null;
}

export async function generationDetail(ownerId: string, id: string) {
  const gen = await db().generation.findFirst({
    where: { id, ownerId },
    include: {
      images: { where: { kind: "final" }, orderBy: { imageIndex: "asc" } },
      attempts: { orderBy: [{ imageIndex: "asc" }, { number: "asc" }] },
    },
  });
  if (!gen) return null;
  // An edit's origin; and, for any generation, the edits made from its images (its lineage both ways).
  const [queuePosition, edit, edits] = await Promise.all([
    gen.status === "queued" ? queuePositionOf(gen.id) : null,
    gen.kind === "edit" ? editOrigin(ownerId, gen) : null,
    editsOf(ownerId, gen.id),
  ]);
  return {
    id: gen.id,
    kind: gen.kind,
    status: gen.status,
    queuePosition,
    prompt: gen.prompt,
    model: gen.model,
    size: gen.size,
    quality: gen.quality,
    outputFormat: gen.outputFormat,
    outputCompression: gen.outputCompression,
    background: gen.background,
    moderation: gen.moderation,
    n: gen.n,
    partialImages: gen.partialImages,
    fallback: gen.fallback,
    favorite: gen.favorite,
    gateway: { label: gen.gatewayLabel, isSimulator: gen.gatewayIsSimulator },
    usage: gen.totalTokens === null ? null : { inputTokens: gen.inputTokens, outputTokens: gen.outputTokens, totalTokens: gen.totalTokens },
    costUsd: gen.costUsd === null ? null : Number(gen.costUsd),
    firstPartialMs: gen.firstPartialMs,
    latencyMs: gen.latencyMs,
    error: gen.errorCode && gen.status !== "done" ? { code: gen.errorCode, message: gen.errorMessage ?? "" } : null,
    notice: gen.notice,
    createdAt: gen.createdAt.toISOString(),
    startedAt: gen.startedAt?.toISOString() ?? null,
    finishedAt: gen.finishedAt?.toISOString() ?? null,
    images: gen.images.map((img) => ({
      id: img.id,
      imageIndex: img.imageIndex,
      url: `/api/images/${img.id}`,
      thumbUrl: `/api/images/${img.id}/thumb`,
      width: img.width,
      height: img.height,
      format: img.format,
      bytes: img.bytes,
      echoed: { size: img.echoedSize, quality: img.echoedQuality, background: img.echoedBackground, format: img.echoedFormat },
      revisedPrompt: img.revisedPrompt,
      usage: img.usage,
      downgraded: img.downgraded,
      fidelity: (img.fidelity as ImageFidelity | null) ?? null,
      rawImageId: img.rawImageId,
    })),
    edit,
    edits,
    attempts: gen.attempts.map((a) => ({
      imageIndex: a.imageIndex,
      number: a.number,
      step: a.step,
      size: a.size,
      quality: a.quality,
      status: a.status,
      httpStatus: a.httpStatus,
      error: a.errorCode ? { code: a.errorCode, message: a.errorMessage ?? "" } : null,
      usage: a.usage,
      firstPartialMs: a.firstPartialMs,
      latencyMs: a.latencyMs,
      startedAt: a.startedAt.toISOString(),
    })),
  };
}

/** 1 = next to run. Counts every owner's jobs: they share the gateway. */
export async function queuePositionOf(generationId: string): Promise<number> {
  const rows = await db().$queryRaw<{ position: bigint }[]>`
    SELECT count(*) AS position FROM generations g, generations me
    WHERE me.id = ${generationId}::uuid AND g.status = 'queued'
      AND (g.created_at, g.id) <= (me.created_at, me.id)`;
  return Number(rows[0]?.position ?? 0);
}

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

/** Marks or unmarks an owner's generation as a favourite; false when they have no such generation. */
export async function setFavorite(ownerId: string, id: string, favorite: boolean): Promise<boolean> {
  const { count } = await db().generation.updateMany({ where: { id, ownerId }, data: { favorite } });
  return count > 0;
}

export type Deletion = { state: "deleted"; blobs: string[] } | { state: "active" } | { state: "not_found" };

/**
 * Deletes an owner's finished generation (done, failed or cancelled) with its images, attempts and
 * events (they cascade), in one statement that also returns every blob its images named (bytes,
 * thumbnails, previews): the caller removes those no other row still uses. One still queued or
 * running is left alone ("active").
 */
export async function deleteFinishedGeneration(ownerId: string, id: string): Promise<Deletion> {
  const rows = await db().$queryRaw<{ deleted: boolean; blobs: string[] }[]>`
    WITH target AS (
      SELECT id FROM generations WHERE id = ${id}::uuid AND owner_id = ${ownerId}::uuid AND status IN ('done', 'failed', 'cancelled')
      FOR UPDATE
    ), named AS (
      SELECT DISTINCT blob FROM images, unnest(ARRAY[sha256, thumb_sha256, preview_sha256]) AS blob
      WHERE generation_id IN (SELECT id FROM target) AND blob IS NOT NULL
    ), gone AS (
      DELETE FROM generations WHERE id IN (SELECT id FROM target) RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM gone) AS deleted, coalesce((SELECT array_agg(blob) FROM named), '{}') AS blobs`;
  const row = rows[0];
  if (row?.deleted) return { state: "deleted", blobs: row.blobs };
  const still = await findOwnedGeneration(ownerId, id);
  return still ? { state: "active" } : { state: "not_found" };
}

export type OwnedImage = {
  id: string;
  sha256: string;
  thumbSha256: string | null;
  previewSha256: string | null;
  format: string;
  bytes: number;
  kind: ImageKind;
  imageIndex: number;
  partialIndex: number | null;
  /** What a download's file name is made of: the generation's date, the start of its prompt, its count. */
  generation: { createdAt: Date; promptStart: string; n: number };
};

/**
 * Straight on the pool (no Prisma): every partial preview is fetched through it as it arrives. One
 * statement, the generation joined by its key; only the prompt's start, enough for a file name.
 */
export async function ownedImage(ownerId: string, id: string): Promise<OwnedImage | null> {
  const rows = await sqlRows<Omit<OwnedImage, "generation"> & { createdAt: Date; promptStart: string; n: number }>(Prisma.sql`
    SELECT i.id::text, i.sha256, i.thumb_sha256 AS "thumbSha256", i.preview_sha256 AS "previewSha256", i.format, i.bytes,
      i.kind, i.image_index AS "imageIndex", i.partial_index AS "partialIndex",
      g.created_at AS "createdAt", left(g.prompt, 300) AS "promptStart", g.n
    FROM images i JOIN generations g ON g.id = i.generation_id
    WHERE i.id = ${id}::uuid AND i.owner_id = ${ownerId}::uuid`);
  const row = rows[0];
  if (!row) return null;
  const { createdAt, promptStart, n, ...image } = row;
  return { ...image, generation: { createdAt, promptStart, n } };
}

import "server-only";
import { z } from "zod";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { ApiError, validate } from "@/lib/errors";
import { GENERATION_STATUSES } from "@/lib/generations/events";
import { MODELS, QUALITIES } from "@/lib/generations/request-schema";
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
  const queuePosition = gen.status === "queued" ? await queuePositionOf(gen.id) : null;
  return {
    id: gen.id,
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
    })),
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
  z.iso
    .datetime({ offset: true, error: `${field} must be an ISO date-time` })
    .or(z.iso.date({ error: `${field} must be an ISO date` }))
    .refine((value) => holdable(new Date(value)), { error: `${field} must be a date from year 1 to 9999` });

export const listQuerySchema = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, { error: "limit must be at least 1" }).max(100, { error: "limit must be at most 100" }).default(30),
  q: text("q", 500).optional(),
  model: z.enum(MODELS, { error: `model must be one of: ${MODELS.join(", ")}` }).optional(),
  size: text("size", 20).optional(),
  quality: z.enum(QUALITIES, { error: `quality must be one of: ${QUALITIES.join(", ")}` }).optional(),
  status: z.enum(GENERATION_STATUSES, { error: `status must be one of: ${GENERATION_STATUSES.join(", ")}` }).optional(),
  favorite: z.enum(["true", "false", "1", "0"], { error: "favorite must be true or false" }).optional(),
  from: when("from").optional(),
  to: when("to").optional(),
});

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

/** A page of an owner's history, newest first, by keyset (created_at, id). */
export async function listGenerations(ownerId: string, params: URLSearchParams) {
  const query = validate(listQuerySchema, Object.fromEntries(params));
  const where: Prisma.GenerationWhereInput = {
    ownerId,
    ...(query.q ? { prompt: { contains: query.q, mode: "insensitive" } } : {}),
    ...(query.model ? { model: query.model } : {}),
    ...(query.size ? { size: query.size } : {}),
    ...(query.quality ? { quality: query.quality } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.favorite ? { favorite: query.favorite === "true" || query.favorite === "1" } : {}),
    ...(query.from || query.to ? { createdAt: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lte: new Date(query.to) } : {}) } } : {}),
  };
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    where.OR = [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }];
  }
  const rows = await db().generation.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: {
      id: true, status: true, prompt: true, model: true, size: true, quality: true, outputFormat: true, n: true, favorite: true,
      totalTokens: true, costUsd: true, latencyMs: true, errorCode: true, createdAt: true,
      images: { where: { kind: "final" }, orderBy: { imageIndex: "asc" }, take: 1, select: { id: true, width: true, height: true } },
    },
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ images, costUsd, createdAt, ...row }) => ({
      ...row,
      costUsd: costUsd === null ? null : Number(costUsd),
      createdAt: createdAt.toISOString(),
      cover: images[0] ? { ...images[0], thumbUrl: `/api/images/${images[0].id}/thumb` } : null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}

export type OwnedImage = { id: string; sha256: string; thumbSha256: string | null; previewSha256: string | null; format: string; bytes: number };

/** Straight on the pool (no Prisma): every partial preview is fetched through it as it arrives. */
export async function ownedImage(ownerId: string, id: string): Promise<OwnedImage | null> {
  const rows = await sqlRows<OwnedImage>(Prisma.sql`
    SELECT id::text, sha256, thumb_sha256 AS "thumbSha256", preview_sha256 AS "previewSha256", format, bytes FROM images
    WHERE id = ${id}::uuid AND owner_id = ${ownerId}::uuid`);
  return rows[0] ?? null;
}

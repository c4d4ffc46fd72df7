import "server-only";
import { db, sqlRows } from "@/lib/db/client";
import { editOrigin, editsOf } from "@/lib/db/edits";
import { Prisma } from "@/lib/db/generated/client";
import type { ImageKind } from "@/lib/db/images";
import type { ImageFidelity } from "@/lib/generations/events";

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

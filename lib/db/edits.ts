import "server-only";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { ImageKind } from "@/lib/db/images";

/**
 * Owner-scoped reads for edits: the history images an edit is made from, and an edit's lineage
 * both ways (what it was made from; the edits made from a generation's images).
 */

/** A stored image an edit may take as its edited image or a reference: where its bytes are, and what it is. */
export type StoredInput = { id: string; kind: ImageKind; sha256: string; format: string; width: number; height: number; generationId: string };

/** The owner's images among `ids` (already checked to be UUIDs), by id; another owner's are not found. */
export async function ownedInputImages(ownerId: string, ids: readonly string[]): Promise<Map<string, StoredInput>> {
  if (ids.length === 0) return new Map();
  const rows = await sqlRows<StoredInput>(Prisma.sql`
    SELECT id::text, kind, sha256, format, width, height, generation_id::text AS "generationId"
    FROM images WHERE id = ANY(${[...new Set(ids)]}::uuid[]) AND owner_id = ${ownerId}::uuid`);
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * What an edit was made from. `sourceImageId` is the history image it was made from while that
 * image exists, else the edit's own stored copy of the image it sent (so a before/after view
 * always has one); `sourceGenerationId` is that history image's generation (null for an upload,
 * or once it is deleted). References and mask are the edit's stored copies, in the order sent.
 */
export type EditOrigin = {
  sourceImageId: string | null;
  sourceGenerationId: string | null;
  referenceImageIds: string[];
  maskImageId: string | null;
  protect: boolean;
};

export async function editOrigin(ownerId: string, generation: { id: string; sourceImageId: string | null; protect: boolean | null }): Promise<EditOrigin> {
  const [inputs, picked] = await Promise.all([
    db().image.findMany({
      where: { generationId: generation.id, ownerId, kind: { in: ["source", "reference", "mask"] } },
      orderBy: { imageIndex: "asc" },
      select: { id: true, kind: true },
    }),
    generation.sourceImageId ? db().image.findFirst({ where: { id: generation.sourceImageId, ownerId }, select: { id: true, generationId: true } }) : null,
  ]);
  const own = (kind: ImageKind) => inputs.filter((i) => i.kind === kind).map((i) => i.id);
  return {
    sourceImageId: picked?.id ?? own("source")[0] ?? null,
    sourceGenerationId: picked?.generationId ?? null,
    referenceImageIds: own("reference"),
    maskImageId: own("mask")[0] ?? null,
    protect: generation.protect ?? false,
  };
}

/** An edit made from one of a generation's images, as its detail page lists it. */
export type EditChild = { id: string; prompt: string; createdAt: string; coverThumbUrl: string | null };

/** The owner's edits made from any of this generation's images, oldest first. */
export async function editsOf(ownerId: string, generationId: string): Promise<EditChild[]> {
  const rows = await sqlRows<{ id: string; prompt: string; createdAt: Date; coverId: string | null }>(Prisma.sql`
    SELECT g.id::text, g.prompt, g.created_at AS "createdAt", cover.id::text AS "coverId"
    FROM generations g
    LEFT JOIN LATERAL (
      SELECT i.id FROM images i WHERE i.generation_id = g.id AND i.kind = 'final' ORDER BY i.image_index LIMIT 1
    ) cover ON true
    WHERE g.owner_id = ${ownerId}::uuid
      AND g.source_image_id IN (SELECT id FROM images WHERE generation_id = ${generationId}::uuid AND owner_id = ${ownerId}::uuid)
    ORDER BY g.created_at, g.id`);
  return rows.map((row) => ({
    id: row.id,
    prompt: row.prompt,
    createdAt: row.createdAt.toISOString(),
    coverThumbUrl: row.coverId ? `/api/images/${row.coverId}/thumb` : null,
  }));
}

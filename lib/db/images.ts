import "server-only";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { ImageFidelity } from "@/lib/generations/events";

/**
 * The `images` table: partials and final images of a generation, their bytes in the blob store by
 * sha256. A new row is written in the statement of the event that announces it (`appendEvent`'s
 * `with`), so the row, its event and its announcement commit together and, under a lease, only
 * while the lease holds. The schema allows one final image per (generation, image index).
 */
/**
 * What a row is: a result (`final`, the only kind counted, shown or billed as an image), a
 * `partial` preview, a masked edit's `raw` gateway result kept beside its protected composite, or
 * an edit's inputs: `source` (the edited image), `reference`, `mask`.
 */
export type ImageKind = "partial" | "final" | "raw" | "source" | "reference" | "mask";

export type NewImage = {
  id: string;
  attemptId: string;
  kind: "partial" | "final" | "raw";
  imageIndex: number;
  partialIndex: number | null;
  sha256: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  echo?: { size?: string; quality?: string; background?: string; outputFormat?: string };
  revisedPrompt?: string | null;
  usage?: unknown;
  downgraded?: string | null;
  fidelity?: ImageFidelity | null;
  rawImageId?: string | null;
};

/** The INSERT as a CTE named `name` over `bumped` (the generation's row in appendEvent). */
export function insertImageWith(name: string, r: NewImage): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(name)} AS (
    INSERT INTO images (id, owner_id, generation_id, attempt_id, kind, image_index, partial_index, sha256, format,
      width, height, bytes, echoed_size, echoed_quality, echoed_background, echoed_format, revised_prompt, usage, downgraded,
      fidelity, raw_image_id)
    SELECT ${r.id}::uuid, bumped.owner_id, bumped.id, ${r.attemptId}::uuid, ${r.kind}, ${r.imageIndex}, ${r.partialIndex}::int,
      ${r.sha256}, ${r.format}, ${r.width}, ${r.height}, ${r.bytes}, ${r.echo?.size ?? null}, ${r.echo?.quality ?? null},
      ${r.echo?.background ?? null}, ${r.echo?.outputFormat ?? null}, ${r.revisedPrompt ?? null},
      ${r.usage ? JSON.stringify(r.usage) : null}::jsonb, ${r.downgraded ?? null},
      ${r.fidelity ? JSON.stringify(r.fidelity) : null}::jsonb, ${r.rawImageId ?? null}::uuid
    FROM bumped RETURNING id)`;
}

export async function setThumbnail(imageId: string, thumbSha256: string): Promise<void> {
  await sqlRows(Prisma.sql`UPDATE images SET thumb_sha256 = ${thumbSha256} WHERE id = ${imageId}::uuid`);
}

export async function setPreview(imageId: string, previewSha256: string): Promise<void> {
  await sqlRows(Prisma.sql`UPDATE images SET preview_sha256 = ${previewSha256} WHERE id = ${imageId}::uuid`);
}

/** The image indexes a generation already has final images for (a re-run keeps them). */
export async function finalIndexes(generationId: string): Promise<Set<number>> {
  const rows = await db().image.findMany({ where: { generationId, kind: "final" }, select: { imageIndex: true } });
  return new Set(rows.map((r) => r.imageIndex));
}

/** A generation's final images, for what its end tells: how many, what each lacked, how an edit's kept to its mask. */
export type FinalSummary = { imageIndex: number; downgraded: string | null; fidelity: ImageFidelity | null; rawImageId: string | null };

export async function finalsOf(generationId: string): Promise<FinalSummary[]> {
  const rows = await db().image.findMany({
    where: { generationId, kind: "final" },
    orderBy: { imageIndex: "asc" },
    select: { downgraded: true, imageIndex: true, fidelity: true, rawImageId: true },
  });
  return rows.map((row) => ({ ...row, fidelity: (row.fidelity as ImageFidelity | null) ?? null }));
}

/**
 * Removes the partial previews of generations that finished before `before`, a batch at a time
 * (the final images stay). A system task of the sweep, across owners. Returns how many went.
 */
export async function deleteExpiredPartials(before: Date, limit = 1000): Promise<number> {
  const rows = await sqlRows<{ id: string }>(Prisma.sql`
    DELETE FROM images WHERE id IN (
      SELECT i.id FROM images i JOIN generations g ON g.id = i.generation_id
      WHERE i.kind = 'partial' AND g.finished_at < ${before} LIMIT ${limit})
    RETURNING id`);
  return rows.length;
}

/** Which of these blobs no image row refers to, as its bytes, thumbnail or preview (any owner's). */
export async function unreferencedBlobs(sha256s: string[]): Promise<string[]> {
  if (sha256s.length === 0) return [];
  const rows = await sqlRows<{ sha256: string }>(Prisma.sql`
    SELECT candidate AS sha256 FROM unnest(${sha256s}::text[]) AS candidate
    WHERE NOT EXISTS (SELECT 1 FROM images WHERE sha256 = candidate)
      AND NOT EXISTS (SELECT 1 FROM images WHERE thumb_sha256 = candidate)
      AND NOT EXISTS (SELECT 1 FROM images WHERE preview_sha256 = candidate)`);
  return rows.map((r) => r.sha256);
}

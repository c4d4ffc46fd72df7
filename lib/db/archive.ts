import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { GenerationParameters } from "@/lib/generations/parameters";

/** A final image as an archive lists it; its bytes are the blob `sha256`. */
export type ArchiveImage = {
  imageId: string;
  imageIndex: number;
  width: number;
  height: number;
  format: string;
  bytes: number;
  sha256: string;
  echoed: { size: string | null; quality: string | null; background: string | null; format: string | null };
  revisedPrompt: string | null;
  downgraded: string | null;
};

export type ArchiveGeneration = Omit<GenerationParameters, "fallback"> & {
  id: string;
  status: string;
  costUsd: number | null;
  totalTokens: number | null;
  latencyMs: number | null;
  createdAt: Date;
  /** Final images only, by image index; empty for a generation that made none. */
  images: ArchiveImage[];
};

/**
 * The owner's generations among `ids`, each with its final images, in one statement (the images
 * aggregated per generation): an archive of 500 generations is one round trip, not 501. Ids the
 * owner has no generation for are simply absent. Through $queryRaw because Prisma's include would
 * be a second query.
 */
export async function archiveRows(ownerId: string, ids: string[]): Promise<ArchiveGeneration[]> {
  if (ids.length === 0) return [];
  return db().$queryRaw<ArchiveGeneration[]>(Prisma.sql`
    SELECT g.id::text, g.prompt, g.model, g.size, g.quality, g.output_format AS "outputFormat", g.output_compression AS "outputCompression",
      g.background, g.moderation, g.n, g.partial_images AS "partialImages", g.status, g.cost_usd::float8 AS "costUsd",
      g.total_tokens AS "totalTokens", g.latency_ms AS "latencyMs", g.created_at AS "createdAt",
      coalesce((
        SELECT json_agg(json_build_object(
          'imageId', i.id, 'imageIndex', i.image_index, 'width', i.width, 'height', i.height, 'format', i.format, 'bytes', i.bytes,
          'sha256', i.sha256, 'revisedPrompt', i.revised_prompt, 'downgraded', i.downgraded,
          'echoed', json_build_object('size', i.echoed_size, 'quality', i.echoed_quality, 'background', i.echoed_background, 'format', i.echoed_format)
        ) ORDER BY i.image_index)
        FROM images i WHERE i.generation_id = g.id AND i.kind = 'final'
      ), '[]'::json) AS images
    FROM generations g
    WHERE g.owner_id = ${ownerId}::uuid AND g.id = ANY(${ids}::uuid[])`);
}

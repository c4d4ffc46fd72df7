import "server-only";
import { db } from "@/lib/db/client";
import { isUuid } from "@/lib/validation/uuid";

/**
 * What the edit page and the lineage need to know of a stored image: its pixel size (the mask is
 * painted at it), its format, and the generation it belongs to with that generation's prompt.
 * Owner-scoped; partial previews and edits' masks are left out: an edit takes neither as a picture
 * (lib/edits/create.ts refuses them), and partials are swept after a while.
 */
export type ImageInfo = {
  id: string;
  width: number;
  height: number;
  format: string;
  generationId: string;
  prompt: string;
  url: string;
  thumbUrl: string;
};

/** The owner's images among `ids`, in the order asked; an id that is malformed, unknown or another's is skipped. */
export async function ownedImageInfos(ownerId: string, ids: readonly string[]): Promise<ImageInfo[]> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return [];
  const rows = await db().image.findMany({
    where: { id: { in: wanted }, ownerId, kind: { notIn: ["partial", "mask"] } },
    select: { id: true, width: true, height: true, format: true, generationId: true, generation: { select: { prompt: true } } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return wanted.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { generation, ...image } = row;
    return [{ ...image, prompt: generation.prompt, url: `/api/images/${id}`, thumbUrl: `/api/images/${id}/thumb` }];
  });
}

export async function ownedImageInfo(ownerId: string, id: string): Promise<ImageInfo | null> {
  return (await ownedImageInfos(ownerId, [id]))[0] ?? null;
}

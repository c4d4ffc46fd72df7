import "server-only";
import { db } from "@/lib/db/client";

/** Marks or unmarks the owner's generations among `ids` as favourites, in one statement; returns the ids it changed. */
export async function setFavoriteMany(ownerId: string, ids: string[], favorite: boolean): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db().generation.updateManyAndReturn({ where: { ownerId, id: { in: ids } }, data: { favorite }, select: { id: true } });
  return rows.map((r) => r.id);
}

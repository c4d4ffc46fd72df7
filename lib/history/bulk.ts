import "server-only";
import { z } from "zod";
import { setFavoriteMany } from "@/lib/db/bulk";
import { toApiError, validate } from "@/lib/errors";
import { idsField } from "@/lib/history/ids";
import { deleteGeneration } from "@/lib/history/manage";

/** One action over several generations from history: favourite, unfavourite or delete them. */
export const BULK_ACTIONS = ["favorite", "unfavorite", "delete"] as const;

export const bulkSchema = z.strictObject(
  { action: z.enum(BULK_ACTIONS, { error: `action must be one of: ${BULK_ACTIONS.join(", ")}` }), ids: idsField },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : 'The body must be a JSON object such as {"action": "favorite", "ids": ["…"]}') },
);

export type BulkResult = { done: string[]; skipped: { id: string; code: string; message: string }[] };

/** Each id is done or skipped with why; one the action cannot take never stops the others. */
export async function bulkAction(ownerId: string, body: unknown): Promise<BulkResult> {
  const { action, ids } = validate(bulkSchema, body);
  if (action === "delete") return deleteEach(ownerId, ids);
  const changed = new Set(await setFavoriteMany(ownerId, ids, action === "favorite"));
  return {
    done: ids.filter((id) => changed.has(id)),
    skipped: ids.filter((id) => !changed.has(id)).map((id) => ({ id, code: "not_found", message: "Generation was not found" })),
  };
}

/**
 * One at a time through the single delete (rows, then the blobs no other row uses): a delete is a
 * few milliseconds, and running them in turn keeps a 500-id request from taking the pool.
 */
async function deleteEach(ownerId: string, ids: string[]): Promise<BulkResult> {
  const result: BulkResult = { done: [], skipped: [] };
  for (const id of ids) {
    try {
      await deleteGeneration(ownerId, id);
      result.done.push(id);
    } catch (error) {
      // 404 not_found and 409 generation_active as they are; anything else is logged by the mapping.
      const { code, message } = toApiError(error);
      result.skipped.push({ id, code, message });
    }
  }
  return result;
}

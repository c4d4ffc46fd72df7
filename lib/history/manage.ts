import "server-only";
import { z } from "zod";
import { deleteFinishedGeneration, setFavorite } from "@/lib/db/generations";
import { unreferencedBlobs } from "@/lib/db/images";
import { ApiError, notFound, validate } from "@/lib/errors";
import { blobStore } from "@/lib/storage";

/** What a person changes on a generation from history: favourite it, or delete it with its files. */
export const patchSchema = z.strictObject(
  { favorite: z.boolean({ error: "favorite must be true or false" }) },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : "The body must be a JSON object such as {\"favorite\": true}") },
);

export async function updateGeneration(ownerId: string, id: string, body: unknown): Promise<{ id: string; favorite: boolean }> {
  const { favorite } = validate(patchSchema, body);
  if (!(await setFavorite(ownerId, id, favorite))) throw notFound("Generation");
  return { id, favorite };
}

/**
 * Deletes a finished generation: its rows first (one statement), then the blobs they named that no
 * other row still uses (the same bytes may belong to another generation: blobs are by sha256).
 * One still queued or running is refused with 409 rather than cancelled behind the person's back:
 * its worker is still writing rows and files for it. A blob that cannot be removed now is left to
 * the sweep, which removes whatever no row names.
 */
export async function deleteGeneration(ownerId: string, id: string): Promise<{ id: string; deleted: true; removedBlobs: number }> {
  const deletion = await deleteFinishedGeneration(ownerId, id);
  if (deletion.state === "not_found") throw notFound("Generation");
  if (deletion.state === "active") throw new ApiError(409, "generation_active", "This generation is still queued or running; cancel it first, then delete it");
  const store = blobStore();
  let removedBlobs = 0;
  for (const sha256 of await unreferencedBlobs(deletion.blobs)) {
    try {
      await store.delete(sha256);
      removedBlobs += 1;
    } catch (error) {
      console.warn(`deleting generation ${id}: blob ${sha256} stays for the sweep`, error);
    }
  }
  return { id, deleted: true, removedBlobs };
}

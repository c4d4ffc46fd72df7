import "server-only";
import type { OwnedImage } from "@/lib/db/generations";
import { setPreview } from "@/lib/db/images";
import { makePreview, needsPreview } from "@/lib/images/inspect";
import { Semaphore } from "@/lib/jobs/semaphore";
import { blobStore } from "@/lib/storage";

/**
 * Browser-sized copies of large partials (a 4K PNG takes a browser tens of ms to fetch and decode,
 * far more over a real network). The copy is made beside the partial's event, not before it, so
 * the event still goes out at once; the preview route waits for a copy in the making, or makes one
 * when the process that was making it is gone.
 */
const making = new Map<string, Promise<string>>();
/** Two decodes at a time: twenty 4K partials arriving together would otherwise all be in memory at once. */
const copying = new Semaphore(2, 2);

/** Starts the copy of a stored partial; its row learns of it once both the copy and the row exist. */
export function startPreview(imageId: string, sha256: string, rowWritten: Promise<unknown>): void {
  const copy = makeCopy(sha256);
  making.set(imageId, copy);
  void Promise.all([copy, rowWritten])
    .then(([previewSha256]) => setPreview(imageId, previewSha256))
    .catch(() => undefined) // the route makes it again when asked
    .finally(() => making.delete(imageId));
}

function makeCopy(sha256: string): Promise<string> {
  const store = blobStore();
  return copying.run(false, async () => store.put(await store.withFile(sha256, makePreview)));
}

export type Shown = { sha256: string; format: string; bytes?: number };

/** What the live view shows of an image: its copy when it is large, else the image itself. */
export async function previewOf(image: OwnedImage): Promise<Shown> {
  const original = { sha256: image.sha256, format: image.format, bytes: image.bytes };
  if (!needsPreview(image)) return original;
  if (image.previewSha256) return { sha256: image.previewSha256, format: "webp" };
  try {
    // A copy in the making is stored on its row by startPreview; one made here is stored here.
    const inTheMaking = making.get(image.id);
    const previewSha256 = await (inTheMaking ?? makeCopy(image.sha256));
    if (!inTheMaking) await setPreview(image.id, previewSha256);
    return { sha256: previewSha256, format: "webp" };
  } catch {
    // Bytes that do not decode still go as they came: the browser shows what it can.
    return original;
  }
}

import "server-only";
import { randomUUID } from "node:crypto";
import { setThumbnail, type NewImage } from "@/lib/db/images";
import type { Echo, Usage } from "@/lib/gateway/client";
import { GatewayError } from "@/lib/gateway/errors";
import { inspectImage, makeThumbnail, needsPreview, NotAnImageError, verifyDecodes, type ImageFacts } from "@/lib/images/inspect";
import { Semaphore } from "@/lib/jobs/semaphore";
import { blobStore, type StagedBlob } from "@/lib/storage";

/**
 * Turns an image the gateway streamed into a staged blob into a stored picture: the bytes moved
 * into the store by sha256, and the row that points at them, handed back to be written in the
 * statement of the event that announces it (one round trip on the path to the browser). The
 * content is checked, so corrupt data becomes a clear failure, not a broken file.
 */
export type Owner = { attemptId: string; imageIndex: number };
export type PreparedPicture = {
  id: string;
  sha256: string;
  row: NewImage;
  /** What the live view shows: a large partial's browser-sized copy (previews.ts), else the image. */
  url: string;
  /** The copy is still to be made. */
  needsPreview: boolean;
};

/**
 * What the staged bytes are: the format and size from their header, once every pixel is decoded
 * (a header can be whole over data cut short). Data that is no image, or an image damaged or
 * incomplete, is dropped and refused.
 */
export async function factsOf(staged: StagedBlob): Promise<ImageFacts> {
  try {
    if (staged.bytes === 0) throw new GatewayError("bad_response", "corrupt_image", "The gateway sent empty image data.");
    const header = headerOf(staged);
    await verifyDecodes(staged.file, header, staged.tail).catch((error: unknown) => {
      if (!(error instanceof NotAnImageError)) throw error;
      throw new GatewayError("bad_response", "corrupt_image", `The gateway sent an image that does not decode: ${error.message}`);
    });
    return header;
  } catch (error) {
    staged.discard();
    if (error instanceof NotAnImageError) throw new GatewayError("bad_response", "corrupt_image", `The gateway sent data that is not an image: ${error.message}`);
    throw error;
  }
}

function headerOf(staged: StagedBlob): ImageFacts {
  try {
    return inspectImage(staged.head);
  } catch (error) {
    // A header past the first bytes (a JPEG with long metadata): read it all, this once.
    if (error instanceof NotAnImageError && staged.bytes > staged.head.length) return inspectImage(staged.read());
    throw error;
  }
}

export async function preparePartial(owner: Owner, partialIndex: number, staged: StagedBlob): Promise<PreparedPicture> {
  const facts = await factsOf(staged);
  const sha256 = await staged.commit();
  const id = randomUUID();
  const row: NewImage = { id, ...owner, kind: "partial", partialIndex, sha256, ...facts, bytes: staged.bytes };
  const copy = needsPreview(staged);
  return { id, sha256, row, url: copy ? `/api/images/${id}/preview` : `/api/images/${id}`, needsPreview: copy };
}

export type FinalPicture = {
  /** The picture as it will be stored: the gateway's bytes, or their upscale. */
  blob: StagedBlob;
  facts: ImageFacts;
  echo: Echo;
  usage: Usage | null;
  revisedPrompt: string | null;
  downgraded: string | null;
};

/**
 * The final image's row; or, for a masked edit whose protected composite is the final image, the
 * gateway's own result as a `raw` row (mask-guard.ts), which `extra.rawImageId` then points at.
 */
export async function prepareFinal(owner: Owner, picture: FinalPicture, kind: "final" | "raw" = "final", extra: Pick<NewImage, "fidelity" | "rawImageId"> = {}): Promise<PreparedPicture> {
  const sha256 = await picture.blob.commit();
  const id = randomUUID();
  const { facts, echo, revisedPrompt, usage, downgraded } = picture;
  const row: NewImage = { id, ...owner, kind, partialIndex: null, sha256, ...facts, bytes: picture.blob.bytes, echo, revisedPrompt, usage, downgraded, ...extra };
  return { id, sha256, row, url: `/api/images/${id}`, needsPreview: false };
}

/** Bytes already in hand (an upscale, a composite), staged like streamed ones. */
export function stageBytes(bytes: Buffer): StagedBlob {
  const writer = blobStore().stage();
  try {
    writer.write(bytes);
    return writer.end();
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/**
 * Thumbnails are made from the stored file (sharp reads it as it decodes, never whole), one at a
 * time: twenty 4K pictures finishing together would otherwise decode at once. Measured with
 * bench:memory, two at a time cost the server some 50 MB more at its peak.
 */
const thumbnailing = new Semaphore(1, 1);

/** Made after the final image is announced, so the thumbnail never delays the picture itself. */
export async function storeThumbnail(imageId: string, sha256: string): Promise<string> {
  const store = blobStore();
  const thumbSha256 = await thumbnailing.run(false, async () => store.put(await store.withFile(sha256, makeThumbnail)));
  await setThumbnail(imageId, thumbSha256);
  return thumbSha256;
}

/** The thumbnail's sha256, making it now if the worker did not get to it. */
export async function ensureThumbnail(image: { id: string; sha256: string; thumbSha256: string | null }): Promise<string> {
  return image.thumbSha256 ?? storeThumbnail(image.id, image.sha256);
}

import "server-only";
import sharp from "sharp";
import type { ImageReader } from "@/lib/agent/context";
import { ownedImage } from "@/lib/db/generations";
import { mimeOf } from "@/lib/images/inspect";
import { blobStore, StorageError } from "@/lib/storage";

/**
 * Reads an owner's stored image to resend it in a turn's request, shrunk to fit `edge` pixels on
 * its long side (AGENT_IMAGE_EDGE): a 4K picture resent whole on every turn would cost its tokens
 * and seconds of upload each time. A mask shrinks by the same rule as its image, so the two still
 * match. An image no longer stored (deleted from history) reads as null and is left out.
 */
export function storedImageReader(ownerId: string, edge: number): ImageReader {
  const store = blobStore();
  return async (imageId) => {
    const image = await ownedImage(ownerId, imageId);
    if (!image) return null;
    const type = mimeOf(image.format);
    const bytes = await store
      .withFile(image.sha256, async (file) => {
        const { width = 0, height = 0 } = await sharp(file).metadata();
        if (Math.max(width, height) <= edge) return store.read(image.sha256);
        const shrunk = sharp(file, { sequentialRead: true }).resize(edge, edge, { fit: "inside" });
        return (image.format === "jpeg" ? shrunk.jpeg({ quality: 90 }) : image.format === "webp" ? shrunk.webp({ quality: 90 }) : shrunk.png()).toBuffer();
      })
      .catch((error: unknown) => {
        throw error instanceof StorageError ? error : new StorageError("read an image of the conversation", error);
      });
    return { bytes, type };
  };
}

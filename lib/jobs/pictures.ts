import { db } from "@/lib/db/client";
import type { Echo, Usage } from "@/lib/gateway/stream-image";
import { GatewayError } from "@/lib/gateway/errors";
import { inspectImage, makeThumbnail, NotAnImageError, type ImageFacts } from "@/lib/images/inspect";
import { putBlob, readBlob } from "@/lib/storage/blobs";

/**
 * Turns a gateway's base64 into a stored picture: bytes on disk by sha256, a row that points at
 * them. Decoding checks the content, so corrupt base64 becomes a clear failure, not a broken file.
 */
export type Owner = { ownerId: string; generationId: string; attemptId: string; imageIndex: number };

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

export async function decodeImage(b64: string): Promise<{ bytes: Buffer; facts: ImageFacts }> {
  if (b64.length === 0 || !BASE64.test(b64)) {
    throw new GatewayError("bad_response", "corrupt_image", "The gateway sent image data that is not valid base64.");
  }
  const bytes = Buffer.from(b64, "base64");
  try {
    return { bytes, facts: await inspectImage(bytes) };
  } catch (error) {
    if (error instanceof NotAnImageError) throw new GatewayError("bad_response", "corrupt_image", `The gateway sent data that is not an image: ${error.message}`);
    throw error;
  }
}

export async function storePartial(owner: Owner, partialIndex: number, b64: string): Promise<{ id: string }> {
  const { bytes, facts } = await decodeImage(b64);
  const sha256 = await putBlob(bytes);
  return db().image.create({
    data: { ...owner, kind: "partial", partialIndex, sha256, format: facts.format, width: facts.width, height: facts.height, bytes: bytes.length },
    select: { id: true },
  });
}

export type FinalPicture = {
  bytes: Buffer;
  facts: ImageFacts;
  echo: Echo;
  usage: Usage | null;
  revisedPrompt: string | null;
  downgraded: string | null;
};

export async function storeFinal(owner: Owner, picture: FinalPicture): Promise<{ id: string }> {
  const sha256 = await putBlob(picture.bytes);
  const { facts, echo } = picture;
  return db().image.create({
    data: {
      ...owner,
      kind: "final",
      sha256,
      format: facts.format,
      width: facts.width,
      height: facts.height,
      bytes: picture.bytes.length,
      echoedSize: echo.size,
      echoedQuality: echo.quality,
      echoedBackground: echo.background,
      echoedFormat: echo.outputFormat,
      revisedPrompt: picture.revisedPrompt,
      usage: picture.usage ?? undefined,
      downgraded: picture.downgraded,
    },
    select: { id: true },
  });
}

/** Made after the final image is announced, so the thumbnail never delays the picture itself. */
export async function storeThumbnail(imageId: string, bytes: Buffer): Promise<string> {
  const thumbSha256 = await putBlob(await makeThumbnail(bytes));
  await db().image.update({ where: { id: imageId }, data: { thumbSha256 } });
  return thumbSha256;
}

/** The thumbnail's sha256, making it now if the worker did not get to it. */
export async function ensureThumbnail(image: { id: string; sha256: string; thumbSha256: string | null }): Promise<string> {
  return image.thumbSha256 ?? storeThumbnail(image.id, await readBlob(image.sha256));
}

import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { Echo, Usage } from "@/lib/gateway/stream-image";
import { GatewayError } from "@/lib/gateway/errors";
import { inspectImage, makeThumbnail, NotAnImageError, type ImageFacts } from "@/lib/images/inspect";
import { putBlob, readBlob } from "@/lib/storage/blobs";

/**
 * Turns a gateway's base64 into a stored picture: bytes on disk by sha256, and the INSERT of the
 * row that points at them, handed back to be run in the same statement as the event that
 * announces it (one round trip on the path to the browser). Decoding checks the content, so
 * corrupt base64 becomes a clear failure, not a broken file.
 */
export type Owner = { ownerId: string; generationId: string; attemptId: string; imageIndex: number };
export type PreparedPicture = { id: string; insert: Prisma.Sql };

export async function decodeImage(b64: string): Promise<{ bytes: Buffer; facts: ImageFacts }> {
  // Buffer.from skips characters outside base64; whatever survives must then read as an image.
  const bytes = Buffer.from(b64, "base64");
  if (bytes.length === 0) throw new GatewayError("bad_response", "corrupt_image", "The gateway sent empty image data.");
  try {
    return { bytes, facts: inspectImage(bytes) };
  } catch (error) {
    if (error instanceof NotAnImageError) throw new GatewayError("bad_response", "corrupt_image", `The gateway sent data that is not an image: ${error.message}`);
    throw error;
  }
}

type Row = Owner & {
  kind: "partial" | "final";
  partialIndex: number | null;
  sha256: string;
  facts: ImageFacts;
  bytes: number;
  echo?: Echo;
  revisedPrompt?: string | null;
  usage?: Usage | null;
  downgraded?: string | null;
};

function insertImage(id: string, r: Row): Prisma.Sql {
  return Prisma.sql`INSERT INTO images (id, owner_id, generation_id, attempt_id, kind, image_index, partial_index, sha256, format,
      width, height, bytes, echoed_size, echoed_quality, echoed_background, echoed_format, revised_prompt, usage, downgraded)
    VALUES (${id}::uuid, ${r.ownerId}::uuid, ${r.generationId}::uuid, ${r.attemptId}::uuid, ${r.kind}, ${r.imageIndex}, ${r.partialIndex},
      ${r.sha256}, ${r.facts.format}, ${r.facts.width}, ${r.facts.height}, ${r.bytes}, ${r.echo?.size ?? null}, ${r.echo?.quality ?? null},
      ${r.echo?.background ?? null}, ${r.echo?.outputFormat ?? null}, ${r.revisedPrompt ?? null},
      ${r.usage ? JSON.stringify(r.usage) : null}::jsonb, ${r.downgraded ?? null})
    RETURNING id`;
}

export async function preparePartial(owner: Owner, partialIndex: number, b64: string): Promise<PreparedPicture> {
  const { bytes, facts } = await decodeImage(b64);
  const sha256 = await putBlob(bytes);
  const id = randomUUID();
  return { id, insert: insertImage(id, { ...owner, kind: "partial", partialIndex, sha256, facts, bytes: bytes.length }) };
}

export type FinalPicture = {
  bytes: Buffer;
  facts: ImageFacts;
  echo: Echo;
  usage: Usage | null;
  revisedPrompt: string | null;
  downgraded: string | null;
};

export async function prepareFinal(owner: Owner, picture: FinalPicture): Promise<PreparedPicture> {
  const sha256 = await putBlob(picture.bytes);
  const id = randomUUID();
  const { facts, echo, revisedPrompt, usage, downgraded } = picture;
  return { id, insert: insertImage(id, { ...owner, kind: "final", partialIndex: null, sha256, facts, bytes: picture.bytes.length, echo, revisedPrompt, usage, downgraded }) };
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

import { createHash, randomUUID } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { env } from "@/lib/env";

/**
 * Content-addressed bytes on disk: data/blobs/ab/cd/<sha256>. The same bytes are stored once;
 * writes land in a temporary file and are renamed into place, so a reader never sees half a file.
 */
const SHA256 = /^[a-f0-9]{64}$/;

function blobRoot(): string {
  return path.join(env().dataDir, "blobs");
}

export function blobPath(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`Not a sha256: ${sha256}`);
  return path.join(blobRoot(), sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Stores bytes under their sha256. The calls are synchronous on purpose: a preview lands in the
 * page cache in a fraction of a millisecond, while the same steps through the thread pool (stat,
 * mkdir, open, write, close, rename) cost several, on the path of every partial to the browser.
 */
export async function putBlob(bytes: Uint8Array): Promise<string> {
  const sha256 = sha256Of(bytes);
  const target = blobPath(sha256);
  if (existsSync(target)) return sha256;
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    try {
      writeFileSync(temp, bytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(temp, bytes);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return sha256;
}

export async function readBlob(sha256: string): Promise<Buffer> {
  return readFile(blobPath(sha256));
}

/** Up to this size a blob is sent from one read: a partial preview is on its way to the browser. */
const READ_WHOLE_BYTES = 1024 * 1024;

/** The blob as a response body: small ones read at once, large ones streamed. */
export function readBlobBody(sha256: string, bytes?: number): BodyInit {
  if (bytes !== undefined && bytes <= READ_WHOLE_BYTES) return new Uint8Array(readFileSync(blobPath(sha256)));
  return Readable.toWeb(createReadStream(blobPath(sha256))) as ReadableStream<Uint8Array>;
}

/** Health check: the folder can be written and read back. */
export async function storageUsable(): Promise<boolean> {
  try {
    await mkdir(blobRoot(), { recursive: true });
    const probe = path.join(blobRoot(), `.probe-${randomUUID()}`);
    await writeFile(probe, "ok");
    await rm(probe);
    return true;
  } catch {
    return false;
  }
}

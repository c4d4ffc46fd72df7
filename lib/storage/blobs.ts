import { createHash, randomUUID } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
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

/** Bytes written as they arrive, hashed on the way, not in the store until committed. */
export type StagedBlob = {
  sha256: string;
  bytes: number;
  /** The first bytes, enough to read an image's header without reading the file. */
  head: Buffer;
  /** All of it (for the rare step that must hold the picture, such as an upscale). */
  read(): Buffer;
  /** Moves it into the store under its sha256 (or drops it when those bytes are there already). */
  commit(): string;
  discard(): void;
};

export type BlobWriter = { write(bytes: Buffer): void; end(): StagedBlob; abort(): void };

const HEAD_BYTES = 64 * 1024;

/**
 * A blob written piece by piece, so a 25 MB image never has to be held whole: a gateway's stream
 * is decoded straight into it. Synchronous, like putBlob, for the same reason. `abort()` drops
 * the file whether or not it was ended.
 */
export function stageBlob(): BlobWriter {
  const staging = path.join(blobRoot(), "staging");
  mkdirSync(staging, { recursive: true });
  const temp = path.join(staging, `${randomUUID()}.tmp`);
  const hash = createHash("sha256");
  const head: Buffer[] = [];
  let headBytes = 0;
  let bytes = 0;
  let fd: number | null = openSync(temp, "w");
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  const drop = () => {
    close();
    rmSync(temp, { force: true });
  };
  return {
    write(chunk) {
      // A write to a file may take fewer bytes than asked (rarely); the rest follows.
      for (let done = 0; done < chunk.length; ) done += writeSync(fd!, chunk, done);
      hash.update(chunk);
      bytes += chunk.length;
      if (headBytes < HEAD_BYTES) {
        head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - headBytes)));
        headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
      }
    },
    end() {
      close();
      const sha256 = hash.digest("hex");
      return {
        sha256,
        bytes,
        head: Buffer.concat(head),
        read: () => readFileSync(existsSync(temp) ? temp : blobPath(sha256)),
        commit() {
          const target = blobPath(sha256);
          if (existsSync(target)) rmSync(temp, { force: true });
          else {
            mkdirSync(path.dirname(target), { recursive: true });
            renameSync(temp, target);
          }
          return sha256;
        },
        discard: () => rmSync(temp, { force: true }),
      };
    },
    abort: drop,
  };
}

/** Bytes already in hand, staged like streamed ones. */
export function stageBytes(bytes: Buffer): StagedBlob {
  const writer = stageBlob();
  try {
    writer.write(bytes);
    return writer.end();
  } catch (error) {
    writer.abort();
    throw error;
  }
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

import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, utimesSync, writeSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { StorageError, type BlobStore, type BlobWriter, type StagedBlob } from "@/lib/storage/store";

/**
 * Blobs on disk: <root>/ab/cd/<sha256>, staged bytes in <root>/staging/. Writes land in a
 * temporary file and are renamed into place, so a reader never sees half a file. The calls are
 * synchronous on purpose: a partial lands in the page cache in a fraction of a millisecond, while
 * the same steps through the thread pool (stat, mkdir, open, write, close, rename) cost several,
 * on the path of every partial to the browser.
 */
const SHA256 = /^[a-f0-9]{64}$/;
const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64;

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function diskStore(root: string): BlobStore {
  const staging = path.join(root, "staging");
  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`Not a sha256: ${sha256}`);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  /** Moves a finished temporary file into place; bytes already there are kept, and marked fresh for the sweep. */
  const place = (temp: string, sha256: string) => {
    const target = pathOf(sha256);
    if (existsSync(target)) {
      rmSync(temp, { force: true });
      const now = new Date();
      utimesSync(target, now, now);
      return target;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(temp, target);
    return target;
  };
  const storing = <T>(action: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw error instanceof StorageError ? error : new StorageError(action, error);
    }
  };

  return {
    async put(bytes) {
      return storing("store an image", () => {
        const writer = stage(staging, place, storing);
        try {
          writer.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          const staged = writer.end();
          place(staged.file, staged.sha256);
          return staged.sha256;
        } catch (error) {
          writer.abort();
          throw error;
        }
      });
    },
    stage: () => stage(staging, place, storing),
    read: async (sha256) => readFileSync(pathOf(sha256)),
    stream: (sha256) => Readable.toWeb(createReadStream(pathOf(sha256))) as ReadableStream<Uint8Array>,
    exists: async (sha256) => existsSync(pathOf(sha256)),
    delete: async (sha256) => rm(pathOf(sha256), { force: true }),
    withFile: async (sha256, work) => work(pathOf(sha256)),
    async *listOlderThan(before) {
      for (const file of await walk(root, 3)) {
        const name = path.basename(file);
        if (!SHA256.test(name)) continue;
        const info = await stat(file).catch(() => null);
        if (info && info.mtime < before) yield name;
      }
    },
    async dropStagedOlderThan(before) {
      const names = await readdir(staging).catch(() => [] as string[]);
      let dropped = 0;
      for (const name of names) {
        const file = path.join(staging, name);
        const info = await stat(file).catch(() => null);
        if (!info || info.mtime >= before) continue;
        await rm(file, { force: true });
        dropped += 1;
      }
      return dropped;
    },
    async usable() {
      try {
        await mkdir(root, { recursive: true });
        const probe = path.join(root, `.probe-${randomUUID()}`);
        await writeFile(probe, "ok");
        await rm(probe);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Files `depth` folders down (ab/cd/<sha256>); the staging folder is not a blob folder. */
async function walk(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (depth === 1) return entries.filter((e) => e.isFile()).map((e) => path.join(dir, e.name));
  const nested = await Promise.all(entries.filter((e) => e.isDirectory() && /^[a-f0-9]{2}$/.test(e.name)).map((e) => walk(path.join(dir, e.name), depth - 1)));
  return nested.flat();
}

type Place = (temp: string, sha256: string) => string;
type Storing = <T>(action: string, work: () => T) => T;

/**
 * A blob written piece by piece, so a 25 MB image is never held whole: a gateway's stream is
 * decoded straight into it. `abort()` drops the file whether or not it was ended.
 */
function stage(staging: string, place: Place, storing: Storing): BlobWriter {
  const temp = path.join(staging, `${randomUUID()}.tmp`);
  let fd: number | null = storing("stage an image", () => {
    try {
      return openSync(temp, "w");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(staging, { recursive: true });
      return openSync(temp, "w");
    }
  });
  const hash = createHash("sha256");
  const head: Buffer[] = [];
  let headBytes = 0;
  let tail = Buffer.alloc(0);
  let bytes = 0;
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  return {
    write(chunk) {
      storing("write an image", () => {
        // A write to a file may take fewer bytes than asked (rarely); the rest follows.
        for (let done = 0; done < chunk.length; ) done += writeSync(fd!, chunk, done);
      });
      hash.update(chunk);
      bytes += chunk.length;
      if (headBytes < HEAD_BYTES) {
        head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - headBytes)));
        headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
      }
      tail = chunk.length >= TAIL_BYTES ? Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES)) : Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    },
    end(): StagedBlob {
      storing("finish writing an image", close);
      const sha256 = hash.digest("hex");
      let placed: string | null = null;
      return {
        sha256,
        bytes,
        head: Buffer.concat(head),
        tail,
        file: temp,
        read: () => readFileSync(/*turbopackIgnore: true*/ placed ?? temp),
        async commit() {
          placed = storing("store an image", () => place(temp, sha256));
          return sha256;
        },
        discard: () => {
          if (!placed) rmSync(temp, { force: true });
        },
      };
    },
    abort() {
      try {
        close();
      } finally {
        rmSync(temp, { force: true });
      }
    },
  };
}

import "server-only";
/**
 * Where the studio's bytes live, behind one interface: content-addressed blobs (the same bytes are
 * stored once, under their sha256). The disk driver (disk.ts) is the only one today; an
 * S3-compatible driver implements the same methods and no caller changes.
 */
export type BlobStore = {
  /** Stores bytes under their sha256 and returns it. */
  put(bytes: Uint8Array): Promise<string>;
  /** Bytes that arrive piece by piece (a gateway's stream), staged until committed. */
  stage(): BlobWriter;
  read(sha256: string): Promise<Buffer>;
  /** The blob as a stream, for large response bodies. */
  stream(sha256: string): ReadableStream<Uint8Array>;
  exists(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
  /** Runs `work` with the blob as a local file: decoders (sharp) read a file as they go, never whole. */
  withFile<T>(sha256: string, work: (file: string) => Promise<T>): Promise<T>;
  /** The blobs last written before `before` (the sweep's candidates). */
  listOlderThan(before: Date): AsyncIterable<string>;
  /** Removes staged bytes left behind (a process that died mid-stream) older than `before`; returns how many. */
  dropStagedOlderThan(before: Date): Promise<number>;
  /** Health: the store can be written and read back. */
  usable(): Promise<boolean>;
};

/** Written synchronously, as the gateway's bytes are decoded: a call per chunk of an event. */
export type BlobWriter = { write(bytes: Buffer): void; end(): StagedBlob; abort(): void };

/** Bytes written and hashed, not yet in the store. */
export type StagedBlob = {
  sha256: string;
  bytes: number;
  /** The first bytes, enough to read an image's header. */
  head: Buffer;
  /** The last bytes, where an image's end marker is. */
  tail: Buffer;
  /** A local file holding the bytes, for decoders, until committed or discarded. */
  file: string;
  /** All of it (for the rare step that must hold the picture, such as an upscale). */
  read(): Buffer;
  /** Moves it into the store under its sha256 (or drops it when those bytes are there already). */
  commit(): Promise<string>;
  discard(): void;
};

/**
 * A failure of the store itself (disk full, permissions), with the system's code: the studio's
 * fault, not the gateway's, and not one another try would fix.
 */
export class StorageError extends Error {
  readonly code: string | undefined;
  constructor(action: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`The studio could not ${action}: ${describeCause(code, cause)}`, { cause });
    this.name = "StorageError";
    this.code = code;
  }
}

const PLAIN: Record<string, string> = {
  ENOSPC: "the disk is full (ENOSPC)",
  EDQUOT: "the disk quota is used up (EDQUOT)",
  EACCES: "permission denied on the data folder (EACCES)",
  EPERM: "the operation is not permitted on the data folder (EPERM)",
  EROFS: "the data folder is on a read-only file system (EROFS)",
  EIO: "the disk reported an input/output error (EIO)",
};

function describeCause(code: string | undefined, cause: unknown): string {
  if (code && PLAIN[code]) return PLAIN[code];
  return code ? `${code}` : cause instanceof Error ? cause.message : String(cause);
}

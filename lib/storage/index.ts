import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { diskStore } from "@/lib/storage/disk";
import type { BlobStore } from "@/lib/storage/store";

/**
 * The store the studio uses: the disk driver under DATA_DIR/blobs. Kept on globalThis because
 * Next.js loads the worker (instrumentation) and the route handlers as separate module graphs of
 * one process; `useBlobStore` swaps it (a test's store that fails its writes).
 */
export { sha256Of } from "@/lib/storage/disk";
export { StorageError, type BlobStore, type BlobWriter, type StagedBlob } from "@/lib/storage/store";

const registry = globalThis as unknown as { studioBlobStore?: { store: BlobStore; dataDir: string | null } };

export function blobStore(): BlobStore {
  const dataDir = env().dataDir;
  const current = registry.studioBlobStore;
  if (current && (current.dataDir === null || current.dataDir === dataDir)) return current.store;
  const store = storeIn(dataDir);
  registry.studioBlobStore = { store, dataDir };
  return store;
}

/** The store of the studio whose data folder is `dataDir` (a benchmark looking at another process's). */
export function storeIn(dataDir: string): BlobStore {
  return diskStore(path.join(dataDir, "blobs"));
}

/** Puts `store` in place of the configured one (undefined: back to the configured one). */
export function useBlobStore(store: BlobStore | undefined): void {
  registry.studioBlobStore = store ? { store, dataDir: null } : undefined;
}

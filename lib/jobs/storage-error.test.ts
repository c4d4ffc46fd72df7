import { closeSync, openSync, writeSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { blobStore, StorageError, useBlobStore, type BlobStore } from "@/lib/storage";
import { closeStudio, eventsOf, imageRequests, openStudio, waitForEnd, type Studio } from "@/test/harness";

/**
 * The store failing its writes (the disk full): the generation ends `failed` with storage_error
 * and the system's reason, without another try, and the failure of one image stops its siblings'
 * requests at once instead of letting them run to the end.
 */
let studio: Studio;
let owner: string;

/** The disk store, except that its `failAt`-th staged blob fails as a full disk does (a real ENOSPC from /dev/full). */
function fullDiskAt(inner: BlobStore, failAt: number): BlobStore {
  let staged = 0;
  return {
    ...inner,
    stage() {
      staged += 1;
      const writer = inner.stage();
      if (staged !== failAt) return writer;
      return {
        ...writer,
        write(bytes) {
          const full = openSync("/dev/full", "w");
          try {
            writeSync(full, bytes);
          } catch (error) {
            throw new StorageError("write an image", error);
          } finally {
            closeSync(full);
          }
        },
      };
    },
  };
}

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 100, betweenPartialsMs: 700, finalMs: 700 } });
  owner = await currentUserId();
});
afterEach(() => useBlobStore(undefined));
afterAll(async () => closeStudio(studio));

describe("a store that fails its writes", () => {
  it("fails the generation with storage_error, tries nothing again, and stops the other images", async () => {
    useBlobStore(fullDiskAt(blobStore(), 1));
    const prompt = "disk full on the first partial";
    const { id } = await createGeneration(owner, { prompt, n: 3, partial_images: 2, quality: "low" });
    const gen = await waitForEnd(id);

    expect(gen.status).toBe("failed");
    expect(gen.errorCode).toBe("storage_error");
    expect(gen.errorMessage).toMatch(/could not write an image: the disk is full \(ENOSPC\).*not tried again/);
    expect(gen.runCount).toBe(1);
    // One request per image, none retried, and none streamed to its end: the failing one and the
    // two still streaming beside it were all cut off.
    expect(imageRequests(studio, prompt).map((r) => r.completed)).toEqual([false, false, false]);
    const attempts = await db().attempt.findMany({ where: { generationId: id }, orderBy: { imageIndex: "asc" } });
    expect(attempts.map((a) => a.errorCode).sort()).toEqual(["stopped", "stopped", "storage_error"]);
    expect(attempts.filter((a) => a.status === "cancelled")).toHaveLength(2);
    expect(await db().image.count({ where: { generationId: id, kind: "final" } })).toBe(0);

    const events = await eventsOf(id);
    const ends = events.filter((e) => e.type === "end");
    expect(ends).toHaveLength(1);
    expect(ends[0]!.data).toMatchObject({ status: "failed", error: { code: "storage_error" } });
  });

  it("keeps working once the store does", async () => {
    const { id } = await createGeneration(owner, { prompt: "disk has room again", n: 2, partial_images: 1, quality: "low" });
    expect((await waitForEnd(id)).status).toBe("done");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { sweep } from "@/lib/jobs/sweep";
import { blobStore } from "@/lib/storage";
import { closeStudio, openStudio, waitForEnd, type Studio } from "@/test/harness";

/**
 * The sweep keeps the store to what the rows refer to: partial previews go once their
 * generation has been over for PARTIAL_RETENTION_HOURS, then every blob no row names and every
 * staged file a dead process left, once older than the grace. Final images and thumbnails stay.
 */
let studio: Studio;
let id: string;
const HOUR = 3_600_000;
const settings = { PARTIAL_RETENTION_HOURS: 1, SWEEP_GRACE_MS: HOUR, SWEEP_INTERVAL_MS: HOUR };
const later = (ms: number) => new Date(Date.now() + ms);

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
  ({ id } = await createGeneration(await currentUserId(), { prompt: "swept later", partial_images: 2, quality: "low" }));
  await waitForEnd(id);
  const deadline = Date.now() + 10_000;
  while (!(await db().image.findFirst({ where: { generationId: id, kind: "final", thumbSha256: { not: null } } })) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
});
afterAll(async () => closeStudio(studio));

async function stored() {
  const store = blobStore();
  const images = await db().image.findMany({ where: { generationId: id } });
  const final = images.find((i) => i.kind === "final")!;
  return { store, final, partials: images.filter((i) => i.kind === "partial") };
}

describe("the sweep", () => {
  it("removes nothing younger than its grace, nor partials within their retention", async () => {
    const { store, final, partials } = await stored();
    const orphan = await store.put(Buffer.from("bytes no row refers to, just written"));
    expect(await sweep(settings)).toEqual({ partials: 0, staged: 0, blobs: 0 });
    expect(await store.exists(orphan)).toBe(true);
    expect(partials).toHaveLength(2);
    for (const sha256 of [final.sha256, final.thumbSha256!, ...partials.map((p) => p.sha256)]) expect(await store.exists(sha256)).toBe(true);
  });

  it("keeps partials for good when the retention is 0, but still removes unreferenced blobs", async () => {
    const { store, partials } = await stored();
    const orphan = await store.put(Buffer.from("an orphan, kept partials"));
    const report = await sweep({ ...settings, PARTIAL_RETENTION_HOURS: 0 }, later(2 * HOUR));
    expect(report).toMatchObject({ partials: 0 });
    expect(await store.exists(orphan)).toBe(false);
    expect(await db().image.count({ where: { generationId: id, kind: "partial" } })).toBe(2);
    for (const p of partials) expect(await store.exists(p.sha256)).toBe(true);
  });

  it("removes old partials, unreferenced blobs and staged leftovers, and keeps finals and thumbnails", async () => {
    const { store, final, partials } = await stored();
    const orphan = await store.put(Buffer.from("an orphan, old enough"));
    // A process that died mid-stream leaves its staged bytes behind.
    store.stage().write(Buffer.from("half an image"));

    const report = await sweep(settings, later(2 * HOUR));
    expect(report).toEqual({ partials: 2, staged: 1, blobs: 3 });
    expect(await db().image.count({ where: { generationId: id, kind: "partial" } })).toBe(0);
    for (const p of partials) expect(await store.exists(p.sha256)).toBe(false);
    expect(await store.exists(orphan)).toBe(false);
    expect(await store.exists(final.sha256)).toBe(true);
    expect(await store.exists(final.thumbSha256!)).toBe(true);
    // The final image is still served from the store.
    expect((await store.read(final.sha256)).length).toBe(final.bytes);
  });
});

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { startEdit } from "@/lib/edits/create";
import { startWorker } from "@/lib/jobs/worker";
import { blobStore } from "@/lib/storage";
import { mask, picture } from "@/lib/uploads/test-images";
import { closeStudio, eventsOf, imageRequests, openStudio, scriptFaults, waitForEnd, waitForStatus, type Studio } from "@/test/harness";

/**
 * Edit jobs against the simulator: the mask-fidelity guard (measured, flagged, the composite kept
 * as the image and the gateway's result beside it), fewer images than asked, and an edit handed
 * back by a stopping worker and finished by the next from its stored inputs.
 */
let studio: Studio;
let owner: string;
let source: Buffer;
let holeMask: Buffer;

const SIDE = 1024;
const HOLE = { left: 128, top: 128, width: 256, height: 512 };

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
  owner = await currentUserId();
  source = await picture("png", SIDE, SIDE, 11);
  holeMask = await mask(SIDE, SIDE, HOLE);
});
afterAll(async () => closeStudio(studio));

function editForm(prompt: string, extra: Record<string, string> = {}, withMask = true): FormData {
  const form = new FormData();
  form.append("prompt", prompt);
  form.append("quality", "low");
  form.append("partial_images", "1");
  for (const [name, value] of Object.entries(extra)) form.append(name, value);
  form.append("image[]", new Blob([new Uint8Array(source)], { type: "image/png" }), "photo.png");
  if (withMask) form.append("mask", new Blob([new Uint8Array(holeMask)], { type: "image/png" }), "mask.png");
  return form;
}

const rgb = async (bytes: Buffer) => sharp(bytes).removeAlpha().raw().toBuffer();
const inHole = (pixel: number) => {
  const x = pixel % SIDE;
  const y = Math.floor(pixel / SIDE);
  return x >= HOLE.left && x < HOLE.left + HOLE.width && y >= HOLE.top && y < HOLE.top + HOLE.height;
};

/** Over the protected pixels (outside the hole): how many differ from the source at all. */
async function changedOutsideHole(bytes: Buffer): Promise<number> {
  const [a, b] = await Promise.all([rgb(source), rgb(bytes)]);
  let changed = 0;
  for (let pixel = 0; pixel < SIDE * SIDE; pixel++) {
    if (inHole(pixel)) continue;
    if (a[pixel * 3] !== b[pixel * 3] || a[pixel * 3 + 1] !== b[pixel * 3 + 1] || a[pixel * 3 + 2] !== b[pixel * 3 + 2]) changed++;
  }
  return changed;
}

const rowsOf = (generationId: string, kind: string) => db().image.findMany({ where: { generationId, kind }, orderBy: { imageIndex: "asc" } });

describe("the mask-fidelity guard", () => {
  it("flags a result that ignored the mask, keeps the composite as the image and the raw result beside it", async () => {
    await scriptFaults(studio, "guard: mask dropped", ["ignore-mask"]);
    const { id } = await startEdit(owner, editForm("guard: mask dropped"));
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(imageRequests(studio, "guard: mask dropped")[0]!.fault).toBe("ignore-mask");

    const [final] = await rowsOf(id, "final");
    const [raw] = await rowsOf(id, "raw");
    const fidelity = final!.fidelity as { changedShare: number; meanAbsDiff: number; flagged: boolean };
    expect(fidelity.flagged).toBe(true);
    expect(fidelity.changedShare).toBeGreaterThan(0.5);
    expect(fidelity.meanAbsDiff).toBeGreaterThan(10);
    expect(final!.rawImageId).toBe(raw!.id);
    expect(raw).toMatchObject({ imageIndex: 0, fidelity: null, rawImageId: null, attemptId: final!.attemptId });

    // The composite: every protected pixel exactly the source's; the gateway's result, repainted.
    const store = blobStore();
    expect(await changedOutsideHole(await store.read(final!.sha256))).toBe(0);
    expect(await changedOutsideHole(await store.read(raw!.sha256))).toBeGreaterThan(SIDE * SIDE * 0.5);

    expect(gen.notice).toMatch(/Image 1: the gateway changed \d+% of the protected area \(it may have ignored the mask\); the source was put back outside the mask/);
    const image = (await eventsOf(id)).find((e) => e.type === "image")!.data as { fidelity: unknown; rawImageId: string };
    expect(image).toMatchObject({ imageId: final!.id, fidelity, rawImageId: raw!.id });
    // The usage counts the one result, not the raw copy.
    const daily = await db().usageDaily.findMany({ where: { ownerId: owner } });
    expect(daily.reduce((sum, d) => sum + Number(d.images), 0)).toBe(1);
  });

  it("with protect off, flags it and keeps the gateway's result as the image", async () => {
    await scriptFaults(studio, "guard: unprotected", ["ignore-mask"]);
    const { id } = await startEdit(owner, editForm("guard: unprotected", { protect: "false" }));
    const gen = await waitForEnd(id);
    expect(gen.protect).toBe(false);
    const [final] = await rowsOf(id, "final");
    expect(await rowsOf(id, "raw")).toHaveLength(0);
    expect(final).toMatchObject({ rawImageId: null, fidelity: expect.objectContaining({ flagged: true }) });
    expect(await changedOutsideHole(await blobStore().read(final!.sha256))).toBeGreaterThan(SIDE * SIDE * 0.5);
    expect(gen.notice).toMatch(/the gateway changed \d+% of the protected area \(it may have ignored the mask\)\.$/);
    const image = (await eventsOf(id)).find((e) => e.type === "image")!.data;
    expect(image).toMatchObject({ rawImageId: null, fidelity: { flagged: true } });
  });

  it("measures an honoured mask as unchanged, and gives an unmasked edit no measure", async () => {
    const masked = await startEdit(owner, editForm("guard: honoured"));
    const unmasked = await startEdit(owner, editForm("guard: no mask", {}, false));
    const [a, b] = await Promise.all([waitForEnd(masked.id), waitForEnd(unmasked.id)]);
    expect([a.notice, b.notice]).toEqual([null, null]);
    expect((await rowsOf(masked.id, "final"))[0]!.fidelity).toEqual({ changedShare: 0, meanAbsDiff: 0, flagged: false });
    expect((await rowsOf(unmasked.id, "final"))[0]).toMatchObject({ fidelity: null, rawImageId: null });
    expect(b.protect).toBe(false); // nothing to protect without a mask
    const image = (await eventsOf(unmasked.id)).find((e) => e.type === "image")!.data;
    expect(image).toMatchObject({ fidelity: null, rawImageId: null });
  });
});

describe("an edit job", () => {
  it("ends done with a notice saying how many came back when fewer images come back than asked", async () => {
    // Each image is its own request; one is refused (400, never retried) and the other comes back.
    await scriptFaults(studio, "fewer: two asked", ["status:400"]);
    const { id } = await startEdit(owner, editForm("fewer: two asked", { n: "2" }));
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(gen.notice).toMatch(/^1 of 2 images were made; the rest failed: /);
    expect(await rowsOf(id, "final")).toHaveLength(1);
    expect(imageRequests(studio, "fewer: two asked")).toHaveLength(2);
    const end = (await eventsOf(id)).at(-1)!;
    expect(end.type).toBe("end");
    expect(end.data).toMatchObject({ status: "done", images: 1, missing: { count: 1 } });
  });

  it("fails with a storage error, sending nothing, when its stored inputs are gone", async () => {
    await studio.worker!.stop(0);
    try {
      const { id } = await startEdit(owner, editForm("inputs: deleted before the run"));
      const input = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "mask" } });
      await blobStore().delete(input.sha256);
      studio.worker = await startWorker({ log: () => undefined });
      const gen = await waitForEnd(id);
      expect(gen.status).toBe("failed");
      expect(gen.errorCode).toBe("storage_error");
      expect(gen.errorMessage).toMatch(/could not read the edit's input images.*The edit was not sent\./);
      expect(imageRequests(studio, "inputs: deleted before the run")).toHaveLength(0);
    } finally {
      studio.worker ??= await startWorker({ log: () => undefined });
      await blobStore().put(holeMask);
    }
  });

  it("is handed back by a stopping worker and finished by the next from its stored inputs", async () => {
    // Slow enough that the stop lands mid-stream.
    await scriptFaults(studio, "resume: an edit", ["slow:1500"]);
    const { id } = await startEdit(owner, editForm("resume: an edit"));
    await waitForStatus(id, ["running"]);
    while (imageRequests(studio, "resume: an edit").length === 0) await new Promise((r) => setTimeout(r, 20));
    await studio.worker!.stop(0);
    expect((await db().generation.findUniqueOrThrow({ where: { id } })).status).toBe("queued");

    studio.worker = await startWorker({ log: () => undefined });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(gen.runCount).toBe(2);
    const [first, second] = imageRequests(studio, "resume: an edit");
    expect(second!.parts!.map((p) => [p.field, p.sha256])).toEqual(first!.parts!.map((p) => [p.field, p.sha256]));
    expect(second!.body).not.toHaveProperty("moderation");
    expect((await rowsOf(id, "final"))[0]!.fidelity).toMatchObject({ flagged: false });
  });
});

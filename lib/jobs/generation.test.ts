import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_USER_ID, currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { requestCancel } from "@/lib/jobs/queue";
import { blobStore } from "@/lib/storage";
import { closeStudio, eventsOf, imageRequests, openStudio, scriptFaults, waitForEnd, waitForStatus, type Studio } from "@/test/harness";

let studio: Studio;
let owner: string;

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 30, betweenPartialsMs: 30, finalMs: 30 } });
  owner = await currentUserId();
});
afterAll(async () => closeStudio(studio));

const start = (fields: Record<string, unknown>) => createGeneration(owner, { size: "1024x1024", quality: "low", ...fields });

describe("a generation against the simulator", () => {
  it("streams partials, then stores the final image with its record", async () => {
    const { id } = await start({ prompt: "a lighthouse at dusk", partial_images: 2, size: "1536x1024", output_format: "webp", output_compression: 80 });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");

    const events = await eventsOf(id);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("status");
    expect(types.filter((t) => t === "partial")).toHaveLength(2);
    expect(types.indexOf("partial")).toBeLessThan(types.indexOf("image"));
    expect(types.at(-1)).toBe("end");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const images = await db().image.findMany({ where: { generationId: id }, orderBy: [{ kind: "asc" }, { partialIndex: "asc" }] });
    const final = images.find((i) => i.kind === "final")!;
    expect(images.filter((i) => i.kind === "partial").map((i) => i.partialIndex)).toEqual([0, 1]);
    expect(final).toMatchObject({ width: 1536, height: 1024, format: "webp", echoedSize: "1536x1024", echoedQuality: "low", ownerId: LOCAL_USER_ID });
    expect(final.revisedPrompt).toBeTruthy();
    const meta = await sharp(await blobStore().read(final.sha256)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 1536, 1024]);
    // The worker makes the thumbnail just after the end event.
    let thumb = final.thumbSha256;
    for (let i = 0; i < 100 && !thumb; i++) {
      await new Promise((r) => setTimeout(r, 50));
      thumb = (await db().image.findUniqueOrThrow({ where: { id: final.id } })).thumbSha256;
    }
    expect(thumb && (await blobStore().exists(thumb))).toBe(true);

    expect(gen.totalTokens).toBeGreaterThan(0);
    expect(gen.inputTokens! + gen.outputTokens!).toBe(gen.totalTokens);
    expect(Number(gen.costUsd)).toBeGreaterThan(0);
    expect(gen.latencyMs).toBeGreaterThan(0);
    expect(gen.firstPartialMs).toBeGreaterThan(0);
    expect(gen.firstPartialMs!).toBeLessThanOrEqual(gen.latencyMs!);
    expect(gen.gatewayLabel).toBe("local simulator");

    const sent = imageRequests(studio, "a lighthouse at dusk");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ stream: true, partial_images: 2, user: LOCAL_USER_ID, output_compression: 80, model: "gpt-image-2" });
  });

  it("makes n=3 as three single-image requests", async () => {
    const { id } = await start({ prompt: "three pears", n: 3, partial_images: 1 });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    const finals = await db().image.findMany({ where: { generationId: id, kind: "final" } });
    expect(finals.map((f) => f.imageIndex).sort()).toEqual([0, 1, 2]);
    const sent = imageRequests(studio, "three pears");
    expect(sent).toHaveLength(3);
    expect(sent.every((r) => r.body?.n === undefined || r.body?.n === 1)).toBe(true);
    expect(await db().attempt.count({ where: { generationId: id, status: "ok" } })).toBe(3);
  });

  it("cancels a running generation and stops its upstream request", async () => {
    await scriptFaults(studio, "cancel me", ["stall-mid"]);
    const { id } = await start({ prompt: "cancel me please", partial_images: 1 });
    await waitForStatus(id, ["running"]);
    const deadline = Date.now() + 5000;
    while ((await db().image.count({ where: { generationId: id, kind: "partial" } })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
    expect(await requestCancel(owner, id)).toBe("stopping");
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("cancelled");
    const attempt = await db().attempt.findFirstOrThrow({ where: { generationId: id } });
    expect(attempt.status).toBe("cancelled");
    const sent = imageRequests(studio, "cancel me please");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.completed).toBe(false);
    const end = (await eventsOf(id)).at(-1)!;
    expect(end.type).toBe("end");
    expect(end.data).toMatchObject({ status: "cancelled" });
  });

  it("cancels a queued generation at once, and says when one already finished", async () => {
    await studio.worker!.stop(0);
    studio.worker = null;
    const { id } = await start({ prompt: "never sent" });
    expect(await requestCancel(owner, id)).toBe("cancelled");
    expect((await db().generation.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
    expect(await requestCancel(owner, id)).toBe("finished");
    expect(await requestCancel("00000000-0000-4000-8000-00000000dead", id)).toBe("not_found");
    expect(imageRequests(studio, "never sent")).toHaveLength(0);
  });
});

describe("the queue", () => {
  it("runs large sizes under their own lower limit, and tells waiting jobs their place", async () => {
    await studio.worker?.stop(0);
    studio.worker = null;
    const { startWorker } = await import("@/lib/jobs/worker");
    const { env } = await import("@/lib/env");
    const settings = { ...env(), WORKER_CONCURRENCY: 3, WORKER_CONCURRENCY_LARGE: 1 };
    await scriptFaults(studio, "queue large", ["slow:600", "slow:600"]);
    const a = await start({ prompt: "queue large A", size: "2048x2048", partial_images: 0, fallback: false });
    const b = await start({ prompt: "queue large B", size: "2048x2048", partial_images: 0, fallback: false });
    const c = await start({ prompt: "queue small C", partial_images: 0 });
    studio.worker = await startWorker({ log: () => undefined, settings });
    await Promise.all([a, b, c].map(({ id }) => waitForEnd(id)));
    const [ga, gb, gc] = await Promise.all([a, b, c].map(({ id }) => db().generation.findUniqueOrThrow({ where: { id } })));
    // B waited for A (one large at a time) while C, small, ran beside A.
    expect(gb!.startedAt!.getTime()).toBeGreaterThanOrEqual(ga!.finishedAt!.getTime() - 50);
    expect(gc!.startedAt!.getTime()).toBeLessThan(ga!.finishedAt!.getTime());
    const positions = (await eventsOf(b.id)).filter((e) => e.type === "status" && (e.data as { status: string }).status === "queued").map((e) => (e.data as { queuePosition?: number }).queuePosition);
    expect(positions[0]).toBe(2);
    expect(positions).toContain(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { blobStore } from "@/lib/storage";
import { closeStudio, eventsOf, imageRequests, openStudio, scriptFaults, waitForEnd, type Studio } from "@/test/harness";

/**
 * The fault matrix: each simulator fault, through the real worker, ends in the right status after
 * the right number of attempts, with a stored message, and loses nothing it already received.
 * RETRY_MAX is 2, so a fault that never clears is tried 3 times.
 */
type Case = {
  name: string;
  faults: string[];
  status: "done" | "failed";
  attempts: number;
  code?: string;
  message?: RegExp;
  firstAttemptCode?: string;
};

const always = (fault: string) => [fault, fault, fault];

const cases: Case[] = [
  { name: "reset mid-stream, every time", faults: always("reset-mid-stream"), status: "failed", attempts: 3, code: "connection_reset", message: /connection to the gateway was cut/ },
  { name: "reset mid-stream once", faults: ["reset-mid-stream", "ok"], status: "done", attempts: 2, firstAttemptCode: "connection_reset" },
  { name: "stall before the first byte", faults: ["stall-before", "ok"], status: "done", attempts: 2, firstAttemptCode: "idle_timeout" },
  { name: "stall mid-stream", faults: ["stall-mid", "ok"], status: "done", attempts: 2, firstAttemptCode: "idle_timeout" },
  { name: "401 with sub2api's body", faults: ["status:401"], status: "failed", attempts: 1, code: "INVALID_API_KEY", message: /rejected the API key/ },
  { name: "400 invalid size", faults: ["status:400"], status: "failed", attempts: 1, message: /field: size.*divisible by 16/ },
  { name: "400 moderation_blocked", faults: ["moderation"], status: "failed", attempts: 1, code: "moderation_blocked", message: /safety system refused/ },
  { name: "429 without Retry-After", faults: always("status:429"), status: "failed", attempts: 1, code: "rate_limit_exceeded", message: /Usage limit reached.*Try again later/ },
  { name: "429 usage_limit_reached", faults: always("status:429;code=usage_limit_reached"), status: "failed", attempts: 1, code: "usage_limit_reached", message: /Usage limit reached/ },
  { name: "429 with Retry-After", faults: ["status:429;retry-after=1", "ok"], status: "done", attempts: 2, firstAttemptCode: "rate_limit_exceeded" },
  { name: "502 upstream_error, every time", faults: always("status:502"), status: "failed", attempts: 3, code: "upstream_error", message: /upstream gave no image/ },
  { name: "503 once", faults: ["status:503", "ok"], status: "done", attempts: 2 },
  { name: "504, every time", faults: always("status:504"), status: "failed", attempts: 3, message: /gateway failed \(504/ },
  { name: "500 is not retried", faults: always("status:500"), status: "failed", attempts: 1, message: /gateway failed \(500/ },
  { name: "event: error mid-stream", faults: ["error-mid-stream", "ok"], status: "done", attempts: 2, firstAttemptCode: "upstream_error" },
  { name: "data with an error key", faults: ["error-data", "ok"], status: "done", attempts: 2 },
  { name: "truncated stream, every time", faults: always("truncated"), status: "failed", attempts: 3, code: "truncated_stream", message: /ended before the image was complete/ },
  { name: "corrupt base64", faults: ["corrupt-b64", "ok"], status: "done", attempts: 2, firstAttemptCode: "corrupt_image" },
  { name: "non-image bytes", faults: always("corrupt-b64;mode=text"), status: "failed", attempts: 3, code: "corrupt_image" },
  // Damaged bytes under a header that reads as a whole picture: only decoding them tells.
  { name: "image cut in half, every time", faults: always("corrupt-b64;mode=truncated"), status: "failed", attempts: 3, code: "corrupt_image", message: /does not decode: .*cut short/ },
  { name: "image without its end marker, every time", faults: always("corrupt-b64;mode=tail"), status: "failed", attempts: 3, code: "corrupt_image", message: /does not decode: .*end marker \(IEND\)/ },
  { name: "image with flipped bytes, every time", faults: always("corrupt-b64;mode=flip"), status: "failed", attempts: 3, code: "corrupt_image", message: /does not decode: .*damaged/ },
  { name: "image with a zeroed tail once", faults: ["corrupt-b64;mode=zero-tail", "ok"], status: "done", attempts: 2, firstAttemptCode: "corrupt_image" },
  { name: "image header and nothing after it once", faults: ["corrupt-b64;mode=header-only", "ok"], status: "done", attempts: 2, firstAttemptCode: "corrupt_image" },
  { name: "partials without their end marker, every time", faults: always("corrupt-b64;mode=tail;at=partials"), status: "failed", attempts: 3, code: "corrupt_image", message: /does not decode/ },
  { name: "partials with flipped bytes once", faults: ["corrupt-b64;mode=flip;at=partials", "ok"], status: "done", attempts: 2, firstAttemptCode: "corrupt_image" },
  { name: "partials cut in half once", faults: ["corrupt-b64;mode=truncated;at=partials", "ok"], status: "done", attempts: 2, firstAttemptCode: "corrupt_image" },
  { name: "a non-JSON body", faults: always("non-json"), status: "failed", attempts: 3, message: /not JSON|cannot read/ },
  { name: "keep-alive comments and whitespace", faults: ["keepalive"], status: "done", attempts: 1 },
];

let studio: Studio;
let owner: string;

async function storedBlobs(): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const sha256 of blobStore().listOlderThan(new Date(Date.now() + 60_000))) found.add(sha256);
  return found;
}

/** Thumbnails are made after the end event: waited for, so every blob of the generation is in. */
async function thumbnailsMade(generationId: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    if ((await db().image.count({ where: { generationId, kind: "final", thumbSha256: null } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  studio = await openStudio({
    latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 },
    settings: { WORKER_CONCURRENCY: "12", STREAM_IDLE_MS: "800", RETRY_BASE_MS: "10" },
  });
  owner = await currentUserId();
});
afterAll(async () => closeStudio(studio));

describe("every fault of the matrix", () => {
  it.each(cases)("$name", async (c) => {
    const prompt = `fault case: ${c.name}`;
    const blobsBefore = await storedBlobs();
    await scriptFaults(studio, prompt, c.faults);
    const { id } = await createGeneration(owner, { prompt, size: "1024x1024", quality: "low", partial_images: 2 });
    const gen = await waitForEnd(id, 30_000);

    expect(gen.status).toBe(c.status);
    const attempts = await db().attempt.findMany({ where: { generationId: id }, orderBy: { number: "asc" } });
    expect(attempts).toHaveLength(c.attempts);
    expect(imageRequests(studio, prompt)).toHaveLength(c.attempts);
    if (c.code) expect(gen.errorCode).toBe(c.code);
    if (c.message) expect(gen.errorMessage).toMatch(c.message);
    if (c.status === "failed") expect(gen.errorMessage).toBeTruthy();
    if (c.firstAttemptCode) expect(attempts[0]?.errorCode).toBe(c.firstAttemptCode);
    for (const attempt of attempts.slice(0, -1)) expect(attempt.status).toBe("error");
    expect(attempts.at(-1)?.status).toBe(c.status === "done" ? "ok" : "error");

    // Nothing lost: every partial or image the stream announced has its row and its bytes.
    const events = await eventsOf(id);
    const announced = events.filter((e) => e.type === "partial" || e.type === "image").map((e) => (e.data as { imageId: string }).imageId);
    const rows = await db().image.findMany({ where: { generationId: id } });
    expect(rows.map((r) => r.id).sort()).toEqual([...announced].sort());
    for (const row of rows) expect(await blobStore().exists(row.sha256)).toBe(true);
    // Nothing kept that was refused: no staged file left behind, and every new blob is one a row of
    // this generation points at (a damaged picture is dropped, never committed).
    expect(rows.filter((r) => r.kind === "final")).toHaveLength(c.status === "done" ? 1 : 0);
    await thumbnailsMade(id);
    expect(await blobStore().dropStagedOlderThan(new Date(Date.now() + 60_000))).toBe(0);
    const pointedAt = new Set((await db().image.findMany({ where: { generationId: id } })).flatMap((r) => [r.sha256, r.thumbSha256, r.previewSha256]));
    expect([...(await storedBlobs())].filter((sha256) => !blobsBefore.has(sha256) && !pointedAt.has(sha256))).toEqual([]);
    expect(events.at(-1)?.type).toBe("end");
    expect(events.at(-1)?.data).toMatchObject({ status: c.status });
  });

  it("walks the 4K fallback ladder: high, then medium, then small and upscaled", async () => {
    const prompt = "fault case: ladder";
    await scriptFaults(studio, prompt, [...always("status:502"), ...always("status:503"), "ok"]);
    const { id } = await createGeneration(owner, { prompt, size: "2048x2048", quality: "high", partial_images: 0 });
    const gen = await waitForEnd(id, 30_000);
    expect(gen.status).toBe("done");
    const attempts = await db().attempt.findMany({ where: { generationId: id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => [a.step, a.size, a.quality, a.status])).toEqual([
      ["asked", "2048x2048", "high", "error"],
      ["asked", "2048x2048", "high", "error"],
      ["asked", "2048x2048", "high", "error"],
      ["fallback-medium", "2048x2048", "medium", "error"],
      ["fallback-medium", "2048x2048", "medium", "error"],
      ["fallback-medium", "2048x2048", "medium", "error"],
      ["fallback-small", "1024x1024", "medium", "ok"],
    ]);
    for (const a of attempts) expect(a.latencyMs).not.toBeNull();
    expect(attempts.at(-1)?.usage).toMatchObject({ output_tokens: expect.any(Number) });
    const image = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "final" } });
    expect([image.width, image.height]).toEqual([2048, 2048]);
    expect(image.downgraded).toMatch(/drawn at 1024x1024 and upscaled to 2048x2048/);
    const event = (await eventsOf(id)).find((e) => e.type === "image");
    expect(event?.data).toMatchObject({ step: "fallback-small", width: 2048, height: 2048 });
  });

  it("does not walk the ladder when it is switched off, nor for a refusal", async () => {
    const off = "fault case: ladder off";
    await scriptFaults(studio, off, always("status:502"));
    const a = await createGeneration(owner, { prompt: off, size: "2048x2048", quality: "high", partial_images: 0, fallback: false });
    expect((await waitForEnd(a.id)).status).toBe("failed");
    expect(await db().attempt.count({ where: { generationId: a.id } })).toBe(3);
    const refused = "fault case: ladder refusal";
    await scriptFaults(studio, refused, ["moderation", "moderation"]);
    const b = await createGeneration(owner, { prompt: refused, size: "2048x2048", quality: "high", partial_images: 0 });
    expect((await waitForEnd(b.id)).errorCode).toBe("moderation_blocked");
    expect(await db().attempt.count({ where: { generationId: b.id } })).toBe(1);
  });

  it("keeps the images that were made when one of n fails, and says which failed", async () => {
    const prompt = "fault case: one of three";
    await scriptFaults(studio, prompt, ["ok", "moderation", "ok"]);
    const { id } = await createGeneration(owner, { prompt, n: 3, partial_images: 0, quality: "low" });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(gen.errorCode).toBe("moderation_blocked");
    expect(gen.notice).toMatch(/2 of 3 images were made; the rest failed/);
    expect(await db().image.count({ where: { generationId: id, kind: "final" } })).toBe(2);
    expect((await eventsOf(id)).at(-1)?.data).toMatchObject({ status: "done", images: 2, missing: { count: 1, error: { code: "moderation_blocked" } } });
  });

  it("does not wait for a Retry-After beyond the cap", async () => {
    const prompt = "fault case: long retry-after";
    await scriptFaults(studio, prompt, ["status:429;retry-after=3600", "ok"]);
    const { id } = await createGeneration(owner, { prompt, partial_images: 0, quality: "low" });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("failed");
    expect(gen.errorMessage).toMatch(/Usage limit reached.*Try again in 3600 s/);
    expect(await db().attempt.count({ where: { generationId: id } })).toBe(1);
  });

  it("flags an image of the wrong size as a silent downgrade", async () => {
    const prompt = "fault case: wrong size";
    await scriptFaults(studio, prompt, ["wrong-size"]);
    const { id } = await createGeneration(owner, { prompt, size: "1536x1024", quality: "low", partial_images: 0 });
    expect((await waitForEnd(id)).status).toBe("done");
    const image = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "final" } });
    expect(image.downgraded).toMatch(/asked 1536x1024, received/);
    const event = (await eventsOf(id)).find((e) => e.type === "image");
    expect(event?.data).toMatchObject({ downgraded: expect.stringMatching(/asked 1536x1024/) });
  });

  it("retries a refused connection, then fails with a clear message", async () => {
    const { freePort } = await import("@/lib/db/embedded");
    const { resetEnvCache } = await import("@/lib/env");
    const { startWorker } = await import("@/lib/jobs/worker");
    const closed = await freePort();
    await studio.worker?.stop(0);
    const previous = process.env.SIMULATOR_URL;
    process.env.SIMULATOR_URL = `http://127.0.0.1:${closed}/v1`;
    resetEnvCache();
    try {
      studio.worker = await startWorker({ log: () => undefined });
      const { id } = await createGeneration(owner, { prompt: "fault case: refused connection", partial_images: 0 });
      const gen = await waitForEnd(id);
      expect(gen.status).toBe("failed");
      expect(gen.errorCode).toBe("connection_refused");
      expect(gen.errorMessage).toMatch(/Could not reach the gateway: connection refused/);
      expect(await db().attempt.count({ where: { generationId: id } })).toBe(3);
    } finally {
      await studio.worker?.stop(0);
      process.env.SIMULATOR_URL = previous;
      resetEnvCache();
      studio.worker = await startWorker({ log: () => undefined });
    }
  });

  it("flags a downgraded size and quality the gateway echoed", async () => {
    const prompt = "fault case: downgrade";
    await scriptFaults(studio, prompt, ["downgrade"]);
    const { id } = await createGeneration(owner, { prompt, size: "2048x2048", quality: "high", partial_images: 0, fallback: false });
    expect((await waitForEnd(id)).status).toBe("done");
    const image = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "final" } });
    expect(image.downgraded).toMatch(/asked 2048x2048/);
    expect(image.downgraded).toMatch(/asked high quality/);
    const gen = await db().generation.findUniqueOrThrow({ where: { id } });
    expect(gen.notice).toMatch(/^Image 1: asked 2048x2048/);
    expect(gen.errorCode).toBeNull();
  });

  const otherSizes: { fault: string; size: string; drawn: [number, number]; flag: string }[] = [
    { fault: "wrong-size", size: "1536x1024", drawn: [768, 512], flag: "asked 1536x1024, received 768x512: smaller, 25% of the pixels, though the gateway reported 1536x1024" },
    { fault: "larger", size: "1024x1024", drawn: [1280, 1280], flag: "asked 1024x1024, received 1280x1280: larger, 1.56 times the pixels, though the gateway reported 1024x1024" },
    { fault: "aspect", size: "1024x1536", drawn: [1536, 1024], flag: "asked 1024x1536 (portrait), received 1536x1024 (landscape), though the gateway reported 1024x1536" },
    { fault: "echo-mismatch", size: "1024x1024", drawn: [1024, 1024], flag: "the gateway reported 512x512 but the image is 1024x1024" },
    { fault: "echo-mismatch", size: "auto", drawn: [1024, 1024], flag: "the gateway reported 512x512 but the image is 1024x1024" },
  ];
  it.each(otherSizes)("keeps a picture of another size ($fault, asked $size) and says how it differs", async ({ fault, size, drawn, flag }) => {
    const prompt = `fault case: ${fault} at ${size}`;
    await scriptFaults(studio, prompt, [fault]);
    const { id } = await createGeneration(owner, { prompt, size, quality: "low", partial_images: 1 });
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(await db().attempt.count({ where: { generationId: id } })).toBe(1);
    const rows = await db().image.findMany({ where: { generationId: id }, orderBy: { kind: "asc" } });
    expect(rows.map((r) => [r.kind, r.width, r.height, r.downgraded])).toEqual([
      ["final", ...drawn, flag],
      ["partial", ...drawn, null],
    ]);
    const event = (await eventsOf(id)).find((e) => e.type === "image");
    expect(event?.data).toMatchObject({ width: drawn[0], height: drawn[1], downgraded: flag });
    expect(gen.notice).toBe(`Image 1: ${flag}`);
    expect(gen.errorCode).toBeNull();
  });
});

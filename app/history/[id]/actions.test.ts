import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { requestCancel } from "@/lib/jobs/queue";
import { closeStudio, openStudio, type Studio } from "@/test/harness";
import { deleteGeneration, regenerate, setFavorite } from "./actions";

/**
 * The detail page's server actions on a real PostgreSQL. No worker runs: generations stay queued,
 * which is all regenerate needs (it reads the stored parameters) and what delete must refuse.
 */
let studio: Studio;
let ownerId: string;

beforeAll(async () => {
  studio = await openStudio({ worker: false });
  ownerId = await currentUserId();
});
afterAll(async () => closeStudio(studio));

/** Where an action's redirect() sent the browser: Next throws it as an error whose digest holds the URL. */
async function redirectOf(work: Promise<unknown>): Promise<string> {
  const outcome = await work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`no redirect: the action returned ${JSON.stringify(outcome.value)}`);
  const digest = (outcome.error as { digest?: unknown }).digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT;")) throw outcome.error;
  return digest.split(";")[2] ?? "";
}

const row = (id: string) => db().generation.findUniqueOrThrow({ where: { id } });
const asked = (gen: Awaited<ReturnType<typeof row>>) => {
  const { prompt, model, size, quality, outputFormat, outputCompression, background, moderation, n, partialImages, fallback, ownerId: owner } = gen;
  return { prompt, model, size, quality, outputFormat, outputCompression, background, moderation, n, partialImages, fallback, owner };
};

async function regenerated(id: string): Promise<string> {
  const location = await redirectOf(regenerate(id));
  const newId = /^\/\?g=([0-9a-f-]{36})$/.exec(location)?.[1];
  if (!newId) throw new Error(`redirected to ${location}, not to the studio following a new generation`);
  return newId;
}

describe("regenerate", () => {
  it("queues a new generation with every parameter of the old one, and sends the browser to follow it", async () => {
    const { id } = await createGeneration(ownerId, {
      prompt: "a lighthouse at dusk, to be made again",
      model: "gpt-image-2-2026-04-21",
      size: "1536x1024",
      quality: "low",
      output_format: "webp",
      output_compression: 60,
      background: "opaque",
      moderation: "low",
      n: 2,
      partial_images: 1,
      fallback: false,
    });
    const newId = await regenerated(id);
    expect(newId).not.toBe(id);
    const [before, after] = await Promise.all([row(id), row(newId)]);
    expect(asked(after)).toEqual(asked(before));
    expect(after.request).toEqual(before.request);
    expect(after.status).toBe("queued");
  });

  it("leaves out a compression a png never had, and keeps the defaults as they were stored", async () => {
    const { id } = await createGeneration(ownerId, { prompt: "plain defaults" });
    const newId = await regenerated(id);
    const [before, after] = await Promise.all([row(id), row(newId)]);
    expect(after.outputCompression).toBeNull();
    expect(after.request).toEqual(before.request);
  });

  it("refuses by name a parameter no longer accepted, instead of changing it", async () => {
    const { id } = await createGeneration(ownerId, { prompt: "once transparent", output_format: "webp" });
    await db().generation.update({ where: { id }, data: { background: "transparent" } });
    const before = await db().generation.count();
    const result = await regenerate(id);
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error).toMatchObject({ code: "invalid_request", field: "background" });
    expect(await db().generation.count()).toBe(before);
  });

  it("finds nothing for a malformed id, an unknown one, or another person's generation", async () => {
    const other = randomUUID();
    await db().user.create({ data: { id: other, name: "Someone else" } });
    const { id: theirs } = await createGeneration(other, { prompt: "not yours" });
    for (const id of ["not-a-uuid", randomUUID(), theirs, 42]) {
      const result = await regenerate(id);
      expect(result.ok ? null : result.error.code).toBe("not_found");
    }
  });
});

describe("favorite and delete", () => {
  it("marks and unmarks a favourite, refusing a value that is not true or false", async () => {
    const { id } = await createGeneration(ownerId, { prompt: "a favourite" });
    expect(await setFavorite(id, true)).toEqual({ ok: true, value: { id, favorite: true } });
    expect((await row(id)).favorite).toBe(true);
    expect(await setFavorite(id, false)).toEqual({ ok: true, value: { id, favorite: false } });
    expect((await row(id)).favorite).toBe(false);
    const refused = await setFavorite(id, "yes");
    expect(refused.ok ? null : refused.error.message).toMatch(/favorite must be true or false/);
    expect((await setFavorite(randomUUID(), true)).ok).toBe(false);
  });

  it("refuses to delete a generation still queued (409 generation_active), and deletes it once it ended", async () => {
    const { id } = await createGeneration(ownerId, { prompt: "to be deleted" });
    const refused = await deleteGeneration(id);
    expect(refused.ok ? null : refused.error.code).toBe("generation_active");
    await requestCancel(ownerId, id);
    expect(await deleteGeneration(id)).toEqual({ ok: true, value: { id } });
    expect(await db().generation.findUnique({ where: { id } })).toBeNull();
    const again = await deleteGeneration(id);
    expect(again.ok ? null : again.error.code).toBe("not_found");
  });
});

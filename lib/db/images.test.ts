import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { closeStudio, openStudio, type Studio } from "@/test/harness";

/** The schema itself allows one final image per (generation, image index), whatever writes it. */
let studio: Studio;
let owner: string;
let generationId: string;

beforeAll(async () => {
  studio = await openStudio({ worker: false });
  owner = await currentUserId();
  ({ id: generationId } = await createGeneration(owner, { prompt: "one final per index", n: 2 }));
});
afterAll(async () => closeStudio(studio));

const image = (kind: "partial" | "final", imageIndex: number, partialIndex: number | null = null) =>
  db().image.create({
    data: { ownerId: owner, generationId, kind, imageIndex, partialIndex, sha256: "a".repeat(64), format: "png", width: 1024, height: 1024, bytes: 1 },
  });

describe("images", () => {
  it("refuses a second final image for the same index", async () => {
    await image("final", 0);
    await expect(image("final", 0)).rejects.toThrow(/Unique constraint/);
    expect(await db().image.count({ where: { generationId, kind: "final", imageIndex: 0 } })).toBe(1);
  });

  it("takes one final per index, and any number of partials", async () => {
    await image("final", 1);
    await image("partial", 0, 0);
    await image("partial", 0, 1);
    await image("partial", 0, 1);
    expect(await db().image.count({ where: { generationId, kind: "partial" } })).toBe(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { ownedImageInfo, ownedImageInfos } from "@/lib/db/image-info";
import { ensureUser } from "@/lib/db/users";
import { createGeneration } from "@/lib/generations/create";
import { closeStudio, openStudio, type Studio } from "@/test/harness";

let studio: Studio;
let owner: string;
let generationId: string;

beforeAll(async () => {
  studio = await openStudio({ worker: false });
  owner = await currentUserId();
  ({ id: generationId } = await createGeneration(owner, { prompt: "a lighthouse to edit", n: 2 }));
});
afterAll(async () => closeStudio(studio));

const image = (kind: "partial" | "final" | "mask" | "source", imageIndex: number, width = 1536, height = 1024, ownerId = owner) =>
  db().image.create({
    data: { ownerId, generationId, kind, imageIndex, partialIndex: kind === "partial" ? 0 : null, sha256: "b".repeat(64), format: "webp", width, height, bytes: 1 },
  });

describe("ownedImageInfo", () => {
  it("gives the pixel size, format, generation and prompt of an owner's image", async () => {
    const { id } = await image("final", 0);
    expect(await ownedImageInfo(owner, id.toUpperCase())).toEqual({
      id,
      width: 1536,
      height: 1024,
      format: "webp",
      generationId,
      prompt: "a lighthouse to edit",
      url: `/api/images/${id}`,
      thumbUrl: `/api/images/${id}/thumb`,
    });
  });

  it("skips partial previews, masks, another owner's images, unknown and malformed ids, and keeps the order asked", async () => {
    const second = await image("final", 1, 1024, 1536);
    const partial = await image("partial", 0);
    const mask = await image("mask", 0);
    const source = await image("source", 0);
    const stranger = await ensureUser({ id: "00000000-0000-4000-8000-0000000000aa", name: "Someone else", isLocal: false });
    const theirs = await image("final", 7, 1024, 1024, stranger);
    const first = (await db().image.findFirstOrThrow({ where: { generationId, kind: "final", imageIndex: 0 } })).id;
    const infos = await ownedImageInfos(owner, [second.id, "not-a-uuid", partial.id, mask.id, theirs.id, "00000000-0000-4000-8000-00000000ffff", first, source.id, second.id]);
    expect(infos.map((info) => info.id)).toEqual([second.id, first, source.id]);
    expect(await ownedImageInfo(owner, theirs.id)).toBeNull();
    expect(await ownedImageInfo(stranger, theirs.id)).toMatchObject({ id: theirs.id, width: 1024 });
  });
});

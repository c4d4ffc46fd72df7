import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as edits from "@/app/api/edits/route";
import { buildEditFormData, EDIT_DEFAULTS, editRequestInput, type EditedImage, type Reference } from "@/components/edit/edit-form-data";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { createGeneration } from "@/lib/generations/create";
import { checkEditRequest } from "@/lib/generations/request-schema";
import { mask, picture } from "@/lib/uploads/test-images";
import { closeStudio, imageRequests, openStudio, waitForEnd, type Studio } from "@/test/harness";

/**
 * The edit page's body, as buildEditFormData makes it from the form, taken by the real
 * `POST /api/edits` and sent on to the simulator: the page and the API agree on every part.
 */
let studio: Studio;
let owner: string;

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 10, betweenPartialsMs: 10, finalMs: 10 } });
  owner = await currentUserId();
});
afterAll(async () => closeStudio(studio));

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const asFile = (bytes: Buffer, name: string, type: string) => new File([new Uint8Array(bytes)], name, { type });

async function apply(image: EditedImage, references: Reference[], maskBlob: Blob | null, prompt: string): Promise<string> {
  const check = checkEditRequest(editRequestInput({ ...EDIT_DEFAULTS, prompt, quality: "low", partials: "0" }), { allowTransparent: false });
  if (!check.ok) throw new Error(check.message);
  const body = buildEditFormData({ image, references, mask: maskBlob, request: check.request, protect: true });
  const res = await edits.POST(new Request("http://studio.test/api/edits", { method: "POST", body }), { params: Promise.resolve({}) });
  const answer = (await res.json()) as { id?: string; error?: unknown };
  expect(res.status, JSON.stringify(answer)).toBe(202);
  return answer.id!;
}

describe("the edit page's request", () => {
  it("an uploaded image with a painted mask and references, uploaded and from history, in the order shown", async () => {
    const parent = await createGeneration(owner, { prompt: "page: a picture to reference", quality: "low", partial_images: 0 });
    expect((await waitForEnd(parent.id)).status).toBe("done");
    const stored = await db().image.findFirstOrThrow({ where: { generationId: parent.id, kind: "final" } });
    const beach = await picture("png", 1024, 1024, 4);
    const ref = await picture("jpeg", 320, 240, 5);
    const painted = await mask(1024, 1024, { left: 0, top: 0, width: 512, height: 1024 });
    const id = await apply(
      { kind: "upload", file: asFile(beach, "beach.png", "image/png"), url: "blob:beach", width: 1024, height: 1024 },
      [
        { key: "h", kind: "stored", id: stored.id, url: `/api/images/${stored.id}/thumb` },
        { key: "u", kind: "upload", file: asFile(ref, "ref.jpg", "image/jpeg"), url: "blob:ref" },
      ],
      new Blob([new Uint8Array(painted)], { type: "image/png" }),
      "page: paint the left half",
    );
    expect((await waitForEnd(id)).status).toBe("done");
    const [sent] = imageRequests(studio, "page: paint the left half");
    expect(sent?.body).not.toHaveProperty("moderation");
    expect(sent?.body).toMatchObject({ size: "auto", quality: "low" });
    expect(sent?.parts?.map((p) => [p.field, p.sha256])).toEqual([
      ["image[]", sha256(beach)],
      ["image[]", stored.sha256],
      ["image[]", sha256(ref)],
      ["mask", sha256(painted)],
    ]);
    expect((await db().generation.findUniqueOrThrow({ where: { id } })).protect).toBe(true);
  });

  it("an image from history edited by id, with nothing painted: no mask, and its lineage recorded", async () => {
    const parent = await createGeneration(owner, { prompt: "page: the source picture", quality: "low", partial_images: 0 });
    expect((await waitForEnd(parent.id)).status).toBe("done");
    const source = await db().image.findFirstOrThrow({ where: { generationId: parent.id, kind: "final" } });
    const id = await apply({ kind: "stored", id: source.id, url: `/api/images/${source.id}`, width: source.width, height: source.height }, [], null, "page: no mask at all");
    expect((await waitForEnd(id)).status).toBe("done");
    const [sent] = imageRequests(studio, "page: no mask at all");
    expect(sent?.parts?.map((p) => [p.field, p.sha256])).toEqual([["image[]", source.sha256]]);
    const row = await db().generation.findUniqueOrThrow({ where: { id } });
    expect([row.sourceImageId, row.protect]).toEqual([source.id, false]);
  });
});

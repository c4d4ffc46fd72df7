import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { ensureUser } from "@/lib/db/users";
import { blobStore } from "@/lib/storage";
import { createGeneration } from "@/lib/generations/create";
import { blackPng, mask, picture } from "@/lib/uploads/test-images";
import { closeStudio, eventsOf, imageRequests, openStudio, waitForEnd, type Studio } from "@/test/harness";
import * as edits from "./route";
import * as item from "../generations/[id]/route";
import * as history from "../generations/route";

/**
 * `POST /api/edits` with real multipart requests, a real database and the simulator behind it:
 * what reaches the gateway (read from the simulator's request log, part by part), what is refused
 * before anything is sent, and an edit's place in history (its lineage, both ways).
 */
let studio: Studio;
let owner: string;
let source: Buffer;
let holeMask: Buffer;

const SIDE = 1024;
const HOLE = { left: 256, top: 256, width: 512, height: 256 };
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const params = <P>(p: P) => ({ params: Promise.resolve(p) });

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
  owner = await currentUserId();
  source = await picture("png", SIDE, SIDE, 7);
  holeMask = await mask(SIDE, SIDE, HOLE);
});
afterAll(async () => closeStudio(studio));

type Part = [name: string, value: string | Blob, fileName?: string];
const file = (bytes: Buffer, type = "image/png") => new Blob([new Uint8Array(bytes)], { type });

function form(parts: Part[]): FormData {
  const body = new FormData();
  for (const [name, value, fileName] of parts) {
    if (typeof value === "string") body.append(name, value);
    else body.append(name, value, fileName ?? "upload.png");
  }
  return body;
}

const post = (body: FormData | string, headers: Record<string, string> = {}) =>
  edits.POST(new Request("http://studio.test/api/edits", { method: "POST", body, headers }), params({}));

async function startEdit(parts: Part[]): Promise<string> {
  const res = await post(form(parts));
  const body = (await res.json()) as { id?: string; error?: unknown };
  expect(res.status, JSON.stringify(body)).toBe(202);
  expect(res.headers.get("location")).toBe(`/api/generations/${body.id}`);
  return body.id!;
}

type Detail = {
  kind: string;
  notice: string | null;
  images: { id: string; fidelity: { changedShare: number; meanAbsDiff: number; flagged: boolean } | null; rawImageId: string | null }[];
  edit: { sourceImageId: string | null; sourceGenerationId: string | null; referenceImageIds: string[]; maskImageId: string | null; protect: boolean } | null;
  edits: { id: string; prompt: string; createdAt: string; coverThumbUrl: string | null }[];
};

async function detail(id: string): Promise<Detail> {
  const res = await item.GET(new Request(`http://studio.test/api/generations/${id}`), params({ id }));
  expect(res.status).toBe(200);
  return (await res.json()) as Detail;
}

describe("POST /api/edits", () => {
  it("sends the edited image first, the references in order and the mask, and never moderation", async () => {
    const jpeg = await picture("jpeg", 320, 240, 2);
    const webp = await picture("webp", 320, 240, 3);
    const id = await startEdit([
      ["prompt", "edit: a red door"],
      ["quality", "low"],
      ["partial_images", "1"],
      ["image[]", file(source), "door.png"],
      ["image[]", file(jpeg, "image/jpeg"), "ref-1.jpg"],
      ["mask", file(holeMask), "mask.png"],
      ["image[]", file(webp, "image/webp"), "ref-2.webp"],
    ]);
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    expect(gen.kind).toBe("edit");

    const sent = imageRequests(studio, "edit: a red door");
    expect(sent).toHaveLength(1);
    const request = sent[0]!;
    expect(request.path).toBe("/v1/images/edits");
    expect(request.body).not.toHaveProperty("moderation");
    expect(request.body).not.toHaveProperty("input_fidelity");
    expect(request.body).toMatchObject({ prompt: "edit: a red door", quality: "low", partial_images: "1", size: "auto", stream: "true" });
    const parts = request.parts!;
    expect(parts.map((p) => p.field)).toEqual(["image[]", "image[]", "image[]", "mask"]);
    // The PNG goes as it came (already the mask's format), the references too: the same bytes, in the order sent.
    expect(parts.slice(0, 3).map((p) => p.sha256)).toEqual([sha256(source), sha256(jpeg), sha256(webp)]);
    expect(parts.slice(0, 3).map((p) => p.format)).toEqual(["png", "jpeg", "webp"]);
    const sentMask = parts[3]!;
    expect(sentMask).toMatchObject({ format: "png", width: SIDE, height: SIDE, hasAlpha: true, sha256: sha256(holeMask) });
    expect(sentMask.transparentShare).toBeCloseTo((HOLE.width * HOLE.height) / (SIDE * SIDE), 6);

    // The inputs are stored like any image, beside the result; only the result counts as one.
    const rows = await db().image.findMany({ where: { generationId: id, kind: { not: "partial" } }, orderBy: [{ kind: "asc" }, { imageIndex: "asc" }] });
    expect(rows.map((r) => [r.kind, r.imageIndex])).toEqual([
      ["final", 0],
      ["mask", 0],
      ["raw", 0],
      ["reference", 1],
      ["reference", 2],
      ["source", 0],
    ]);
    expect(rows.find((r) => r.kind === "source")!.sha256).toBe(sha256(source));
    const daily = await db().usageDaily.findMany({ where: { ownerId: owner } });
    expect(daily.reduce((sum, d) => sum + Number(d.images), 0)).toBe(1);

    // The simulator honours the mask: nothing protected changed, and the composite is the image.
    const shown = await detail(id);
    expect(shown.kind).toBe("edit");
    expect(shown.images).toHaveLength(1);
    expect(shown.images[0]!.fidelity).toEqual({ changedShare: 0, meanAbsDiff: 0, flagged: false });
    expect(shown.images[0]!.rawImageId).toBe(rows.find((r) => r.kind === "raw")!.id);
    expect(shown.edit).toEqual({
      sourceImageId: rows.find((r) => r.kind === "source")!.id,
      sourceGenerationId: null,
      referenceImageIds: rows.filter((r) => r.kind === "reference").map((r) => r.id),
      maskImageId: rows.find((r) => r.kind === "mask")!.id,
      protect: true,
    });
    const image = (await eventsOf(id)).find((e) => e.type === "image")!.data as Record<string, unknown>;
    expect(image).toMatchObject({ imageId: shown.images[0]!.id, fidelity: { flagged: false }, rawImageId: shown.images[0]!.rawImageId });

    // History shows it as an edit, its cover the result (not an input).
    const list = (await (await history.GET(new Request("http://studio.test/api/generations?q=red%20door"), params({}))).json()) as { items: { id: string; kind: string; cover: { id: string } | null }[] };
    expect(list.items).toEqual([expect.objectContaining({ id, kind: "edit", cover: expect.objectContaining({ id: shown.images[0]!.id }) })]);
  });

  it("edits an image from history with references from history and uploads, in form order, and shows the lineage both ways", async () => {
    const parent = await createGeneration(owner, { prompt: "lineage: a parent picture", quality: "low", partial_images: 0, n: 2 });
    expect((await waitForEnd(parent.id)).status).toBe("done");
    const [first, second] = await db().image.findMany({ where: { generationId: parent.id, kind: "final" }, orderBy: { imageIndex: "asc" } });
    const upload = await picture("jpeg", 320, 240, 9);
    const id = await startEdit([
      ["prompt", "lineage: the child edit"],
      ["quality", "low"],
      ["partial_images", "0"],
      ["reference_image_id", second!.id],
      ["image[]", file(upload, "image/jpeg"), "middle.jpg"],
      ["source_image_id", first!.id],
      ["reference_image_id", first!.id],
    ]);
    expect((await waitForEnd(id)).status).toBe("done");
    const parts = imageRequests(studio, "lineage: the child edit")[0]!.parts!;
    expect(parts.map((p) => p.sha256)).toEqual([first!.sha256, second!.sha256, sha256(upload), first!.sha256]);
    expect(parts.some((p) => p.field === "mask")).toBe(false);

    const child = await detail(id);
    expect(child.edit).toMatchObject({ sourceImageId: first!.id, sourceGenerationId: parent.id, maskImageId: null, protect: false });
    expect(child.edit!.referenceImageIds).toHaveLength(3);
    // No mask, no guard: nothing measured, nothing composited.
    expect(child.images[0]).toMatchObject({ fidelity: null, rawImageId: null });
    const row = await db().generation.findUniqueOrThrow({ where: { id } });
    expect([row.sourceImageId, row.protect]).toEqual([first!.id, false]);

    const parentDetail = await detail(parent.id);
    expect(parentDetail.edit).toBeNull();
    expect(parentDetail.edits).toEqual([{ id, prompt: "lineage: the child edit", createdAt: expect.any(String), coverThumbUrl: `/api/images/${child.images[0]!.id}/thumb` }]);
    expect(child.edits).toEqual([]);

    // The parent deleted: the edit keeps its own copy of the image it was made from, bytes and all.
    const gone = await item.DELETE(new Request(`http://studio.test/api/generations/${parent.id}`, { method: "DELETE" }), params({ id: parent.id }));
    expect(gone.status).toBeLessThan(300);
    const orphan = await detail(id);
    const ownSource = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "source" } });
    expect(orphan.edit).toMatchObject({ sourceImageId: ownSource.id, sourceGenerationId: null });
    expect((await db().generation.findUniqueOrThrow({ where: { id } })).sourceImageId).toBeNull();
    expect(ownSource.sha256).toBe(first!.sha256);
    expect(await blobStore().exists(ownSource.sha256)).toBe(true);
  });

  describe("refuses before sending anything, with no generation made", () => {
    let before: { requests: number; generations: number };
    const snapshot = async () => ({ requests: studio.sim.requests.length, generations: await db().generation.count() });

    async function refused(parts: Part[] | FormData, status: number) {
      before = await snapshot();
      const res = await post(parts instanceof FormData ? parts : form(parts));
      const { error } = (await res.json()) as { error: { code: string; message: string; field?: string } };
      expect(res.status, error.message).toBe(status);
      expect(await snapshot()).toEqual(before);
      return error;
    }
    const fields: Part[] = [["prompt", "refused: never sent"]];

    it.each([
      ["text renamed .png", async () => Buffer.from("just some notes, not a picture\n".repeat(40)), "notes.png", "image[]", /notes\.png: not an image/],
      ["a 60 MB file", async () => Buffer.concat([await picture("png", 64, 64), Buffer.alloc(60 * 1024 * 1024)]), "huge.png", "image[]", /huge\.png: the file is 6\d(\.\d)? MB/],
      ["a decompression bomb", async () => blackPng(30_000, 30_000), "bomb.png", "image[]", /bomb\.png: it declares 30000x30000/],
    ])("an image that is %s: 422 naming the file", async (_what, make, name, field, message) => {
      const error = await refused([...fields, ["image[]", file(await make()), name]], 422);
      expect(error).toMatchObject({ code: "invalid_upload", field });
      expect(error.message).toMatch(message);
    });

    it("a mask without alpha, and a mask of another size: 422 naming the mask", async () => {
      const opaque = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: "#fff" } }).png().toBuffer();
      const noAlpha = await refused([...fields, ["image[]", file(source), "photo.png"], ["mask", file(opaque), "flat-mask.png"]], 422);
      expect(noAlpha).toMatchObject({ code: "invalid_upload", field: "mask" });
      expect(noAlpha.message).toMatch(/^flat-mask\.png: .*alpha/);
      const small = await mask(512, 512, { left: 0, top: 0, width: 100, height: 100 });
      const otherSize = await refused([...fields, ["image[]", file(source), "photo.png"], ["mask", file(small), "small-mask.png"]], 422);
      expect(otherSize).toMatchObject({ code: "invalid_upload", field: "mask" });
      expect(otherSize.message).toMatch(/^small-mask\.png: the mask is 512x512 but the first image, photo\.png, is 1024x1024/);
    });

    it("a bad reference among good images names that file", async () => {
      const error = await refused([...fields, ["image[]", file(source), "photo.png"], ["image[]", file(Buffer.from("%PDF-1.7 not an image")), "ref.pdf.png"]], 422);
      expect(error).toMatchObject({ code: "invalid_upload", field: "image[]" });
      expect(error.message).toMatch(/^ref\.pdf\.png: /);
    });

    it("a field an edit does not take, a bad value, or no image at all: 422 naming the field", async () => {
      expect(await refused([...fields, ["moderation", "low"], ["image[]", file(source)]], 422)).toMatchObject({ field: "moderation" });
      expect(await refused([...fields, ["n", "eleven"], ["image[]", file(source)]], 422)).toMatchObject({ field: "n" });
      expect(await refused([...fields, ["output_compression", "50"], ["image[]", file(source)]], 422)).toMatchObject({ field: "output_compression" });
      expect(await refused([...fields, ["protect", "maybe"], ["image[]", file(source)]], 422)).toMatchObject({ field: "protect" });
      expect(await refused([...fields, ["style", "vivid"], ["image[]", file(source)]], 422)).toMatchObject({ field: "style" });
      expect(await refused([["prompt", ""], ["image[]", file(source)]], 422)).toMatchObject({ field: "prompt" });
      expect(await refused(fields, 422)).toMatchObject({ field: "image[]" });
    });

    it("an image of another owner, or an id that is no image: 404 naming the field", async () => {
      const other = await ensureUser({ id: "00000000-0000-4000-8000-0000000000e2", name: "Someone else", isLocal: false });
      const theirs = await createGeneration(other, { prompt: "someone else's picture", quality: "low", partial_images: 0 });
      expect((await waitForEnd(theirs.id)).status).toBe("done");
      const their = await db().image.findFirstOrThrow({ where: { generationId: theirs.id, kind: "final" } });
      expect(await refused([...fields, ["source_image_id", their.id]], 404)).toMatchObject({ code: "not_found", field: "source_image_id" });
      expect(await refused([...fields, ["image[]", file(source)], ["reference_image_id", their.id]], 404)).toMatchObject({ code: "not_found", field: "reference_image_id" });
      expect(await refused([...fields, ["source_image_id", "not-a-uuid"]], 404)).toMatchObject({ code: "not_found", field: "source_image_id" });
    });

    it("a body that is not multipart (415), and one over 200 MB (413)", async () => {
      before = await snapshot();
      const json = await post(JSON.stringify({ prompt: "p" }), { "content-type": "application/json" });
      expect(json.status).toBe(415);
      // Chunked, with no length declared: cut off once past the limit, not read to its end.
      const chunk = new Uint8Array(8 * 1024 * 1024);
      let sent = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const big = await edits.POST(
        new Request("http://studio.test/api/edits", { method: "POST", body: endless, headers: { "content-type": "multipart/form-data; boundary=x" }, duplex: "half" } as RequestInit),
        params({}),
      );
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/200 MB/);
      expect(sent).toBeLessThan(260 * 1024 * 1024);
      expect(await snapshot()).toEqual(before);
    });
  });
});

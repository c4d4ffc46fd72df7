import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { db } from "@/lib/db/client";
import { downloadName } from "@/lib/history/file-name";
import { blobStore, useBlobStore, type BlobStore } from "@/lib/storage";
import { closeStudio, openStudio, waitForEnd, type Studio } from "@/test/harness";
import { OTHER_OWNER, picture, seedGeneration, type Seeded } from "@/test/seed-history";
import * as collection from "./route";
import * as archive from "./archive/route";
import * as image from "../images/[id]/route";

/**
 * The ZIP of several generations and the single download, through the real route handlers on a
 * real PostgreSQL and blob store. One generation is made by the job through the simulator; the
 * others are seeded with real pictures.
 */
let studio: Studio;
beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 10, betweenPartialsMs: 10, finalMs: 10 } });
});
afterAll(async () => closeStudio(studio));

const params = <P>(p: P) => ({ params: Promise.resolve(p) });
type ErrorReply = { error: { code: string; message: string; field?: string } };
type Entry = { bytes: Buffer; compressed: boolean };

const postJson = (body: unknown, signal?: AbortSignal) =>
  archive.POST(new Request("http://studio.test/api/generations/archive", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, signal }), params({}));
const postForm = (ids: string[], extra = "") =>
  archive.POST(
    new Request("http://studio.test/api/generations/archive", { method: "POST", body: ids.map((id) => `ids=${encodeURIComponent(id)}`).join("&") + extra, headers: { "content-type": "application/x-www-form-urlencoded" } }),
    params({}),
  );
const download = (id: string, query = "?download=1", headers: Record<string, string> = {}) => image.GET(new Request(`http://studio.test/api/images/${id}${query}`, { headers }), params({ id }));

async function unzip(res: Response): Promise<Map<string, Entry>> {
  const buffer = Buffer.from(await res.arrayBuffer());
  return new Promise((resolve, reject) => {
    const out = new Map<string, Entry>();
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out.set(entry.fileName, { bytes: Buffer.concat(chunks), compressed: entry.compressionMethod !== 0 });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

type Metadata = {
  createdAt: string;
  count: number;
  generations: { id: string; prompt: string; revisedPrompts: (string | null)[]; model: string; size: string; quality: string; outputFormat: string; outputCompression: number | null; n: number; status: string; costUsd: number | null; totalTokens: number | null; createdAt: string; images: { file: string; imageId: string; imageIndex: number; width: number; height: number; format: string; bytes: number; sha256: string; echoed: { size: string | null } }[] }[];
  skipped: { id: string; reason: string; imageId?: string }[];
};
const metadataOf = (entries: Map<string, Entry>) => JSON.parse(entries.get("metadata.json")!.bytes.toString("utf8")) as Metadata;

describe("POST /api/generations/archive", () => {
  let made: { id: string; createdAt: Date; images: { id: string; imageIndex: number; sha256: string }[] };
  let twinA: Seeded, twinB: Seeded, failed: Seeded, theirs: Seeded, lost: Seeded;
  const at = new Date("2026-12-01T14:05:30Z");

  beforeAll(async () => {
    const post = await collection.POST(
      new Request("http://studio.test/api/generations", { method: "POST", body: JSON.stringify({ prompt: "A red fox in the snow", quality: "low", partial_images: 0, n: 2 }), headers: { "content-type": "application/json" } }),
      params({}),
    );
    const { id } = (await post.json()) as { id: string };
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    const detail = (await (await collection.GET(new Request("http://studio.test/api/generations?q=fox"), params({}))).json()) as { items: { id: string }[] };
    expect(detail.items.map((i) => i.id)).toEqual([id]);
    made = { id, createdAt: gen.createdAt, images: await db().image.findMany({ where: { generationId: id, kind: "final" }, orderBy: { imageIndex: "asc" }, select: { id: true, imageIndex: true, sha256: true } }) };
    expect(made.images).toHaveLength(2);
    await studio.worker?.stop(0); // the rest is seeded, some of it running: no worker may take it
    studio.worker = null;
    twinA = await seedGeneration({ prompt: "Twin owls", format: "jpeg", createdAt: at });
    twinB = await seedGeneration({ prompt: "twin owls!", format: "jpeg", createdAt: at });
    failed = await seedGeneration({ prompt: "never made", status: "failed", images: [] });
    theirs = await seedGeneration({ prompt: "someone else's", ownerId: OTHER_OWNER });
    lost = await seedGeneration({ prompt: "file gone", images: [{ sha256: "0".repeat(64), bytes: Buffer.from("gone") }] });
  });

  it("streams every final image, byte for byte, with metadata.json naming the parameters and what was skipped", async () => {
    const unknown = randomUUID();
    const ids = [made.id, twinA.id, theirs.id, made.id.toUpperCase(), unknown, twinB.id, failed.id, lost.id, twinA.id];
    const res = await postJson({ ids });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="image-studio-\d{4}-\d{2}-\d{2}\.zip"; filename\*=UTF-8''image-studio-/);

    const entries = await unzip(res);
    const madeName = (i: number) => downloadName({ createdAt: made.createdAt, prompt: "A red fox in the snow", imageIndex: i, count: 2, format: "png" });
    expect(madeName(1)).toMatch(/^\d{4}-\d{2}-\d{2}_\d{4}_a-red-fox-in-the-snow-2\.png$/);
    const expected = new Map([
      [madeName(0), made.images[0]!.sha256],
      [madeName(1), made.images[1]!.sha256],
      ["2026-12-01_1405_twin-owls.jpg", twinA.images[0]!.sha256],
      ["2026-12-01_1405_twin-owls (2).jpg", twinB.images[0]!.sha256],
    ]);
    expect([...entries.keys()].sort()).toEqual([...expected.keys(), "metadata.json"].sort());
    for (const [name, sha256] of expected) {
      expect(entries.get(name)!.bytes.equals(await blobStore().read(sha256))).toBe(true);
      expect(entries.get(name)!.compressed).toBe(false); // already compressed pictures are stored as they are
    }
    expect(entries.get("metadata.json")!.compressed).toBe(true);

    const meta = metadataOf(entries);
    expect(meta.count).toBe(4);
    expect(meta.generations.map((g) => g.id)).toEqual([made.id, twinA.id, twinB.id]);
    const [fox, owls] = meta.generations;
    expect(fox).toMatchObject({ prompt: "A red fox in the snow", model: "gpt-image-2", quality: "low", outputFormat: "png", n: 2, status: "done", createdAt: made.createdAt.toISOString() });
    expect(fox!.revisedPrompts).toEqual(["A detailed image of: A red fox in the snow", "A detailed image of: A red fox in the snow"]);
    expect(fox!.images.map((i) => [i.file, i.imageId, i.imageIndex, i.sha256])).toEqual(made.images.map((i) => [madeName(i.imageIndex), i.id, i.imageIndex, i.sha256]));
    expect(fox!.images[0]!.bytes).toBe(entries.get(madeName(0))!.bytes.length);
    expect(owls).toMatchObject({ prompt: "Twin owls", outputFormat: "jpeg", outputCompression: 80, costUsd: 0.011, totalTokens: 272, revisedPrompts: ["revised 0"] });
    expect(owls!.images[0]).toMatchObject({ file: "2026-12-01_1405_twin-owls.jpg", width: 64, height: 64, format: "jpeg", echoed: { size: "1024x1024" } });
    expect(meta.skipped).toEqual([
      { id: theirs.id, reason: "not_found" },
      { id: unknown, reason: "not_found" },
      { id: failed.id, reason: "no_final_image" },
      { id: lost.id, reason: "file_missing", imageId: lost.images[0]!.id },
    ]);
  });

  it("takes a plain form post with repeated ids", async () => {
    const res = await postForm([twinB.id, twinA.id]);
    expect(res.status).toBe(200);
    const entries = await unzip(res);
    // The order given decides which of two same names gets the " (2)".
    expect(entries.get("2026-12-01_1405_twin-owls.jpg")!.bytes.equals(await blobStore().read(twinB.images[0]!.sha256))).toBe(true);
    expect(metadataOf(entries).generations.map((g) => g.id)).toEqual([twinB.id, twinA.id]);
  });

  it.each([
    ["no body", () => archive.POST(new Request("http://studio.test/api/generations/archive", { method: "POST" }), params({})), 415, "unsupported_media_type", undefined],
    ["a text body", () => archive.POST(new Request("http://studio.test/api/generations/archive", { method: "POST", body: "ids", headers: { "content-type": "text/plain" } }), params({})), 415, "unsupported_media_type", undefined],
    ["JSON without ids", () => postJson({}), 422, "invalid_request", "ids"],
    ["an empty form", () => postForm([]), 422, "invalid_request", "ids"],
    ["no ids", () => postJson({ ids: [] }), 422, "invalid_request", "ids"],
    ["501 ids", () => postJson({ ids: Array.from({ length: 501 }, () => randomUUID()) }), 422, "invalid_request", "ids"],
    ["an id that is not a UUID", () => postJson({ ids: [randomUUID(), "not-a-uuid"] }), 422, "invalid_request", "ids"],
    ["ids as a string", () => postJson({ ids: randomUUID() }), 422, "invalid_request", "ids"],
    ["an unknown field", () => postJson({ ids: [randomUUID()], colour: "red" }), 422, "invalid_request", "colour"],
    ["an unknown form field", () => postForm([randomUUID()], "&colour=red"), 422, "invalid_request", "colour"],
    ["malformed JSON", () => archive.POST(new Request("http://studio.test/api/generations/archive", { method: "POST", body: "{", headers: { "content-type": "application/json" } }), params({})), 400, "malformed_json", undefined],
  ])("refuses %s by name", async (_name, send, status, code, field) => {
    const res = await send();
    const { error } = (await res.json()) as ErrorReply;
    expect({ status: res.status, code: error.code, field: error.field }).toEqual({ status, code, field });
    if (field === "ids") expect(error.message).toContain("ids");
    if (_name === "an id that is not a UUID") expect(error.message).toContain('"not-a-uuid"');
    if (status === 415) expect(error.message).toMatch(/x-www-form-urlencoded or application\/json/);
  });

  describe("with many images", () => {
    let many: Seeded[];
    const counted = { open: 0, max: 0, opened: 0 };
    beforeAll(async () => {
      many = [];
      for (let i = 0; i < 40; i++) many.push(await seedGeneration({ prompt: `bulk picture ${i}`, images: [{ bytes: await picture("png", i < 5 ? 512 : 96) }] }));
      useBlobStore(countingStore(blobStore(), counted));
    });
    afterAll(() => useBlobStore(undefined));

    it("holds one file open at a time", async () => {
      Object.assign(counted, { open: 0, max: 0, opened: 0 });
      const entries = await unzip(await postJson({ ids: many.map((g) => g.id) }));
      expect(entries.size).toBe(41);
      expect(counted).toEqual({ open: 0, max: 1, opened: 40 });
    });

    it("stops reading, and closes the open file, when the request is aborted", async () => {
      Object.assign(counted, { open: 0, max: 0, opened: 0 });
      const abort = new AbortController();
      const res = await postJson({ ids: many.map((g) => g.id) }, abort.signal);
      const reader = res.body!.getReader();
      while (counted.opened < 3) expect((await reader.read()).done).toBe(false); // well into the files
      abort.abort();
      await new Promise((r) => setTimeout(r, 50));
      expect(counted.open).toBe(0); // closed at once, not left waiting for a reader that is gone
      expect(await drain(reader)).toBe("cut");
      expect(counted.opened).toBeLessThan(40);
    });

    it("closes the open file when the reader cancels", async () => {
      Object.assign(counted, { open: 0, max: 0, opened: 0 });
      const reader = (await postJson({ ids: many.map((g) => g.id) })).body!.getReader();
      while (counted.opened < 2) expect((await reader.read()).done).toBe(false);
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 50));
      expect(counted).toMatchObject({ open: 0, opened: 2 });
    });
  });
});

describe("GET /api/images/<id>?download=1", () => {
  it("sends the same bytes as an attachment named from the generation's date and prompt", async () => {
    const gen = await seedGeneration({ prompt: "Crème brûlée, à la carte", format: "webp", createdAt: new Date("2026-03-04T05:06:00Z"), images: [{}, {}, { kind: "partial", partialIndex: 0 }] });
    const [first, second, partial] = gen.images;
    const res = await download(second!.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="2026-03-04_0506_creme-brulee-a-la-carte-2.webp"; filename*=UTF-8''2026-03-04_0506_creme-brulee-a-la-carte-2.webp`);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(Buffer.from(await res.arrayBuffer()).equals(await blobStore().read(second!.sha256))).toBe(true);
    expect((await download(first!.id)).headers.get("content-disposition")).toContain('filename="2026-03-04_0506_creme-brulee-a-la-carte.webp"');
    expect((await download(partial!.id)).headers.get("content-disposition")).toContain('filename="2026-03-04_0506_creme-brulee-a-la-carte-partial-1.webp"');

    const plain = await download(first!.id, "");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-disposition")).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(await blobStore().read(first!.sha256))).toBe(true);
    expect((await download(first!.id, "?download=1", { "if-none-match": `"${first!.sha256}"` })).status).toBe(304);
  });

  it.each(["?download=0", "?download=yes", "?download=", "?download=1&download=1"])("refuses %s with 400 naming download", async (query) => {
    const [img] = (await seedGeneration()).images;
    const res = await download(img!.id, query);
    const { error } = (await res.json()) as ErrorReply;
    expect({ status: res.status, code: error.code, field: error.field }).toEqual({ status: 400, code: "invalid_request", field: "download" });
  });

  it("answers 404 for another owner's image", async () => {
    const [img] = (await seedGeneration({ ownerId: OTHER_OWNER })).images;
    expect((await download(img!.id)).status).toBe(404);
  });
});

/** Reads to the end: "complete" when the ZIP ended normally, "cut" when the stream errored. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<"complete" | "cut"> {
  try {
    for (;;) if ((await reader.read()).done) return "complete";
  } catch {
    return "cut";
  }
}

/** The store, counting the blob streams open now, at most, and in all. */
function countingStore(inner: BlobStore, counted: { open: number; max: number; opened: number }): BlobStore {
  return {
    ...inner,
    stream(sha256) {
      const source = inner.stream(sha256).getReader();
      counted.open += 1;
      counted.opened += 1;
      counted.max = Math.max(counted.max, counted.open);
      let closed = false;
      const close = () => {
        if (!closed) counted.open -= 1;
        closed = true;
      };
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await source.read();
          if (done) {
            close();
            controller.close();
          } else controller.enqueue(value);
        },
        async cancel(reason) {
          close();
          await source.cancel(reason);
        },
      });
    },
  };
}

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { blobStore } from "@/lib/storage";
import { closeStudio, openStudio, waitForEnd, wipeDatabase, type Studio } from "@/test/harness";
import * as collection from "./route";
import * as item from "./[id]/route";

/**
 * History through the real route handlers on a real PostgreSQL: keyset pages, search, filters,
 * favourite and delete. One real generation (the simulator) proves the job writes the revised
 * prompts search reads; every other row is seeded straight into the tables.
 */
let studio: Studio;

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
});
afterAll(async () => closeStudio(studio));

const params = <P>(p: P) => ({ params: Promise.resolve(p) });
type Item = { id: string; prompt: string; status: string; favorite: boolean; createdAt: string; error: { code: string; message: string } | null };
type Page = { items: Item[]; nextCursor: string | null };
type ErrorReply = { error: { code: string; message: string; field?: string } };

const list = (query: string) => collection.GET(new Request(`http://studio.test/api/generations?${query}`), params({}));
async function page(query: string): Promise<Page> {
  const res = await list(query);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}
/** Every page of a query, following cursors. */
async function everything(query: string, limit = 100): Promise<Item[]> {
  const out: Item[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const p = await page(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    out.push(...p.items);
    cursor = p.nextCursor;
  }
  return out;
}
const patch = (id: string, body: unknown) =>
  item.PATCH(new Request(`http://studio.test/api/generations/${id}`, { method: "PATCH", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), params({ id }));
const remove = (id: string) => item.DELETE(new Request(`http://studio.test/api/generations/${id}`, { method: "DELETE" }), params({ id }));
const detail = (id: string) => item.GET(new Request(`http://studio.test/api/generations/${id}`), params({ id }));

type Seed = {
  id?: string;
  ownerId?: string;
  prompt?: string;
  revisedPrompts?: string | null;
  model?: string;
  size?: string;
  quality?: string;
  format?: string;
  status?: string;
  favorite?: boolean;
  createdAt?: Date;
  errorCode?: string | null;
  errorMessage?: string | null;
};
type Seeded = Required<Omit<Seed, "revisedPrompts" | "errorCode" | "errorMessage">> & Seed;

const OTHER_OWNER = "00000000-0000-4000-8000-0000000000ff";

async function ensureOwners(): Promise<void> {
  await db().$executeRaw`INSERT INTO users (id, name, is_local) VALUES (${LOCAL_USER_ID}::uuid, 'Local user', true), (${OTHER_OWNER}::uuid, 'Someone else', false) ON CONFLICT DO NOTHING`;
}

/** Inserts finished (or any) generations straight into the table, in one statement. */
async function seed(rows: Seed[]): Promise<Seeded[]> {
  await ensureOwners();
  const base = Date.now();
  const full = rows.map((r, i): Seeded => ({
    id: r.id ?? randomUUID(),
    ownerId: r.ownerId ?? LOCAL_USER_ID,
    prompt: r.prompt ?? `seeded ${i}`,
    revisedPrompts: r.revisedPrompts ?? null,
    model: r.model ?? "gpt-image-2",
    size: r.size ?? "1024x1024",
    quality: r.quality ?? "low",
    format: r.format ?? "png",
    status: r.status ?? "done",
    favorite: r.favorite ?? false,
    createdAt: r.createdAt ?? new Date(base - i * 1000),
    errorCode: r.errorCode ?? null,
    errorMessage: r.errorMessage ?? null,
  }));
  if (full.length === 0) return full;
  const values = full.map(
    (r) => Prisma.sql`(${r.id}::uuid, ${r.ownerId}::uuid, ${r.status}, ${r.prompt}, ${r.revisedPrompts}, ${r.model}, ${r.size}, ${r.quality}, ${r.format},
      'auto', 'auto', 1, 0, '{}'::jsonb, 'test', true, ${r.favorite}, ${r.createdAt}::timestamptz, ${r.errorCode}, ${r.errorMessage},
      ${r.status === "running" ? Prisma.sql`now() + interval '1 hour'` : Prisma.sql`NULL`})`,
  );
  await db().$executeRaw`
    INSERT INTO generations (id, owner_id, status, prompt, revised_prompts, model, size, quality, output_format, background, moderation, n,
      partial_images, request, gateway_label, gateway_is_simulator, favorite, created_at, error_code, error_message, lease_until)
    VALUES ${Prisma.join(values)}`;
  return full;
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
/** Newest first, as the list orders: created_at, then id, both descending. */
const newestFirst = (rows: Seeded[]) =>
  [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.id);

describe("a finished job's revised prompts", () => {
  it("are written on the generation and searched beside the prompt", async () => {
    const post = await collection.POST(
      new Request("http://studio.test/api/generations", { method: "POST", body: JSON.stringify({ prompt: "history: a zebra lighthouse", quality: "low", partial_images: 0, n: 2 }), headers: { "content-type": "application/json" } }),
      params({}),
    );
    const { id } = (await post.json()) as { id: string };
    expect((await waitForEnd(id)).status).toBe("done");
    const [row] = await db().$queryRaw<{ revised_prompts: string | null }[]>`SELECT revised_prompts FROM generations WHERE id = ${id}::uuid`;
    // The simulator revises "p" to "A detailed image of: p"; both images' revised prompts are kept.
    expect(row?.revised_prompts).toBe("A detailed image of: history: a zebra lighthouse\nA detailed image of: history: a zebra lighthouse");
    expect(ids((await page("q=DETAILED zebra")).items)).toEqual([id]);
    // The rest of this file seeds rows, some queued or running: no worker may take them.
    await studio.worker?.stop(0);
    studio.worker = null;
  });
});

describe("keyset pages", () => {
  it("return every row exactly once while newer rows arrive between pages", async () => {
    await wipeDatabase();
    const start = Date.now() - 3_600_000;
    const original = await seed(Array.from({ length: 25 }, (_, i) => ({ prompt: `paging ${i}`, createdAt: new Date(start + i * 1000) })));
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const p: Page = await page(`limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...ids(p.items));
      cursor = p.nextCursor;
      // New generations land on top while the person scrolls.
      await seed([{ prompt: `arrived ${round}a`, createdAt: new Date() }, { prompt: `arrived ${round}b`, createdAt: new Date() }]);
      round += 1;
    } while (cursor);
    expect(seen).toEqual(newestFirst(original));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("return every row exactly once when many share one created_at", async () => {
    await wipeDatabase();
    const at = new Date("2026-06-01T12:00:00.000Z");
    const tied = await seed(Array.from({ length: 40 }, (_, i) => ({ prompt: `tied ${i}`, createdAt: at })));
    const around = await seed([
      { prompt: "before", createdAt: new Date(at.getTime() - 1) },
      { prompt: "after", createdAt: new Date(at.getTime() + 1) },
    ]);
    const seen = await everything("q=", 6);
    expect(seen.map((i) => i.id)).toEqual(newestFirst([...tied, ...around]));
    expect(seen).toHaveLength(42);
  });
});

describe("search", () => {
  let rows: Seeded[];
  beforeAll(async () => {
    await wipeDatabase();
    rows = await seed([
      { prompt: "A Lighthouse at dusk, oil painting" },
      { prompt: "a cat on a windowsill", revisedPrompts: "A ginger cat asleep beside a Zeppelin-shaped lamp" },
      { prompt: "lighthouse keeper's breakfast", revisedPrompts: "a plate of eggs" },
      { prompt: "discount: 100% off" },
      { prompt: "discount: 1000 off, 100 x" },
      { prompt: "snake_case and kebab-case" },
      { prompt: "snakeXcase" },
    ]);
  });
  const found = async (q: string) => new Set(ids(await everything(`q=${encodeURIComponent(q)}`)));
  const idsOf = (...indexes: number[]) => new Set(indexes.map((i) => rows[i]!.id));

  it("finds a word, whatever its capitals", async () => {
    expect(await found("lighthouse")).toEqual(idsOf(0, 2));
    expect(await found("LIGHTHOUSE")).toEqual(idsOf(0, 2));
    expect(await found("LiGhThOuSe")).toEqual(idsOf(0, 2));
  });

  it("finds a substring inside a word", async () => {
    expect(await found("ighthou")).toEqual(idsOf(0, 2));
    expect(await found("ndowsi")).toEqual(idsOf(1));
  });

  it("searches the revised prompt as well as the prompt", async () => {
    expect(await found("zeppelin")).toEqual(idsOf(1));
    expect(await found("EGGS")).toEqual(idsOf(2));
  });

  it("wants every word of a query, in any order", async () => {
    expect(await found("painting lighthouse")).toEqual(idsOf(0));
    expect(await found("  cat   ginger ")).toEqual(idsOf(1));
    expect(await found("lighthouse zeppelin")).toEqual(new Set());
  });

  it("takes % and _ literally", async () => {
    expect(await found("100%")).toEqual(idsOf(3));
    expect(await found("snake_case")).toEqual(idsOf(5));
  });
});

describe("filters", () => {
  let rows: Seeded[];
  const day = (d: string, h = 12) => new Date(`${d}T${String(h).padStart(2, "0")}:00:00.000Z`);
  beforeAll(async () => {
    await wipeDatabase();
    const statuses = ["done", "failed", "cancelled", "running", "queued"];
    const models = ["gpt-image-2", "gpt-image-2-2026-04-21"];
    const sizes = ["1024x1024", "1536x1024", "auto"];
    const qualities = ["low", "medium", "high", "auto"];
    const formats = ["png", "jpeg", "webp"];
    rows = await seed(
      Array.from({ length: 60 }, (_, i) => {
        const status = statuses[i % 5]!;
        return {
          prompt: `filtered ${i}`,
          status,
          model: models[i % 2]!,
          size: sizes[i % 3]!,
          quality: qualities[i % 4]!,
          format: formats[(i >> 1) % 3]!,
          favorite: i % 7 === 0,
          createdAt: day(`2026-03-${String(1 + (i % 20)).padStart(2, "0")}`, i % 24),
          errorCode: status === "failed" ? "moderation_blocked" : status === "cancelled" ? "cancelled" : null,
          errorMessage: status === "failed" ? "The gateway's moderation refused the request" : status === "cancelled" ? "Cancelled." : null,
        };
      }),
    );
    await seed([{ ownerId: OTHER_OWNER, prompt: "someone else's", status: "done" }]);
  });
  const expectFilter = async (query: string, keep: (r: Seeded) => boolean) => {
    const expected = newestFirst(rows.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rows.length);
    expect(ids(await everything(query, 9))).toEqual(expected);
  };

  it("shows only the owner's generations", async () => {
    expect(ids(await everything("q="))).toEqual(newestFirst(rows));
  });

  it.each([
    ["model", "model=gpt-image-2-2026-04-21", (r: Seeded) => r.model === "gpt-image-2-2026-04-21"],
    ["size", "size=1536x1024", (r: Seeded) => r.size === "1536x1024"],
    ["size auto", "size=auto", (r: Seeded) => r.size === "auto"],
    ["quality", "quality=medium", (r: Seeded) => r.quality === "medium"],
    ["format", "format=webp", (r: Seeded) => r.format === "webp"],
    ["status done", "status=done", (r: Seeded) => r.status === "done"],
    ["status failed", "status=failed", (r: Seeded) => r.status === "failed"],
    ["status cancelled", "status=cancelled", (r: Seeded) => r.status === "cancelled"],
    ["status running", "status=running", (r: Seeded) => r.status === "running"],
    ["status queued", "status=queued", (r: Seeded) => r.status === "queued"],
    ["favorites", "favorite=true", (r: Seeded) => r.favorite],
    ["not favorites", "favorite=0", (r: Seeded) => !r.favorite],
    ["from a date", "from=2026-03-15", (r: Seeded) => r.createdAt >= day("2026-03-15", 0)],
    ["to a date, the whole day", "to=2026-03-05", (r: Seeded) => r.createdAt < day("2026-03-06", 0)],
    ["to a date-time", "to=2026-03-05T05:00:00Z", (r: Seeded) => r.createdAt <= new Date("2026-03-05T05:00:00Z")],
    ["a date range", "from=2026-03-03&to=2026-03-04", (r: Seeded) => r.createdAt >= day("2026-03-03", 0) && r.createdAt < day("2026-03-05", 0)],
    [
      "a combination with search",
      "q=FILTERED&status=done&quality=low&format=png&from=2026-03-01&to=2026-03-20",
      (r: Seeded) => r.status === "done" && r.quality === "low" && r.format === "png",
    ],
    ["model, size and favorite", "model=gpt-image-2&size=1024x1024&favorite=false", (r: Seeded) => r.model === "gpt-image-2" && r.size === "1024x1024" && !r.favorite],
  ])("filters by %s", async (_name, query, keep) => expectFilter(query, keep));

  it("gives failed and cancelled items their reason, and the others none", async () => {
    const all = await everything("q=");
    for (const i of all) {
      if (i.status === "failed") expect(i.error).toEqual({ code: "moderation_blocked", message: "The gateway's moderation refused the request" });
      else if (i.status === "cancelled") expect(i.error).toEqual({ code: "cancelled", message: "Cancelled." });
      else expect(i.error).toBeNull();
    }
    expect(all.some((i) => i.status === "failed")).toBe(true);
  });

  it.each([
    ["size", "size=banana"],
    ["size", "size=1024x1024%00"],
    ["status", "status=exploded"],
    ["model", "model=dall-e-3"],
    ["quality", "quality=ultra"],
    ["format", "format=gif"],
    ["favorite", "favorite=maybe"],
    ["from", "from=yesterday"],
    ["from", "from=0000-01-01"],
    ["to", "to=2026-13-01"],
    ["to", "from=2026-03-10&to=2026-03-01"],
    ["limit", "limit=500"],
    ["limit", "limit=ten"],
    ["q", "q=a%00b"],
  ])("refuses a bad %s (%s) with 400 naming it", async (field, query) => {
    const res = await list(query);
    const { error } = (await res.json()) as ErrorReply;
    expect({ status: res.status, code: error.code, field: error.field }).toEqual({ status: 400, code: "invalid_request", field });
    expect(error.message).toContain(field);
  });
});

describe("PATCH /api/generations/<id>", () => {
  it("favourites and unfavourites, and the favourites filter follows", async () => {
    await wipeDatabase();
    const [a, b] = await seed([{ prompt: "fav a" }, { prompt: "fav b" }]);
    const on = await patch(a!.id, { favorite: true });
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ id: a!.id, favorite: true });
    expect(((await (await detail(a!.id)).json()) as { favorite: boolean }).favorite).toBe(true);
    expect(ids((await page("favorite=true")).items)).toEqual([a!.id]);
    expect(ids((await page("favorite=false")).items)).toEqual([b!.id]);
    await patch(a!.id, { favorite: false });
    expect((await page("favorite=true")).items).toEqual([]);
  });

  it("refuses a bad body with 422 naming the field, and another owner's or no generation with 404", async () => {
    const [mine] = await seed([{ prompt: "mine" }]);
    const [theirs] = await seed([{ prompt: "theirs", ownerId: OTHER_OWNER }]);
    for (const body of [{ favorite: "yes" }, {}, { favorite: true, colour: "red" }]) {
      const res = await patch(mine!.id, body);
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorReply).error.code).toBe("invalid_request");
    }
    expect(((await (await patch(mine!.id, { favorite: "yes" })).json()) as ErrorReply).error.field).toBe("favorite");
    expect((await patch(theirs!.id, { favorite: true })).status).toBe(404);
    expect((await db().generation.findUniqueOrThrow({ where: { id: theirs!.id } })).favorite).toBe(false);
    expect((await patch(randomUUID(), { favorite: true })).status).toBe(404);
    expect((await patch("not-a-uuid", { favorite: true })).status).toBe(404);
  });
});

describe("DELETE /api/generations/<id>", () => {
  /** One final image (bytes + thumbnail) and one partial (bytes + preview), an attempt and an event. */
  async function withFiles(generationId: string, ownerId: string, bytes: { final: Buffer; thumb: Buffer; partial: Buffer; preview: Buffer }) {
    const store = blobStore();
    const [finalSha, thumbSha, partialSha, previewSha] = await Promise.all([store.put(bytes.final), store.put(bytes.thumb), store.put(bytes.partial), store.put(bytes.preview)]);
    const attemptId = randomUUID();
    await db().$executeRaw`INSERT INTO attempts (id, owner_id, generation_id, image_index, number, size, quality, status)
      VALUES (${attemptId}::uuid, ${ownerId}::uuid, ${generationId}::uuid, 0, 1, '1024x1024', 'low', 'done')`;
    await db().$executeRaw`INSERT INTO images (id, owner_id, generation_id, attempt_id, kind, image_index, partial_index, sha256, thumb_sha256, preview_sha256, format, width, height, bytes)
      VALUES (${randomUUID()}::uuid, ${ownerId}::uuid, ${generationId}::uuid, ${attemptId}::uuid, 'final', 0, NULL, ${finalSha}, ${thumbSha}, NULL, 'png', 1024, 1024, ${bytes.final.length}),
             (${randomUUID()}::uuid, ${ownerId}::uuid, ${generationId}::uuid, ${attemptId}::uuid, 'partial', 0, 0, ${partialSha}, NULL, ${previewSha}, 'png', 1024, 1024, ${bytes.partial.length})`;
    await db().$executeRaw`INSERT INTO generation_events (owner_id, generation_id, seq, type, data) VALUES (${ownerId}::uuid, ${generationId}::uuid, 1, 'status', '{}'::jsonb)`;
    return { finalSha: finalSha!, thumbSha: thumbSha!, partialSha: partialSha!, previewSha: previewSha! };
  }
  const rowsOf = async (generationId: string) => ({
    generations: await db().generation.count({ where: { id: generationId } }),
    images: await db().image.count({ where: { generationId } }),
    attempts: await db().attempt.count({ where: { generationId } }),
    events: await db().generationEvent.count({ where: { generationId } }),
  });
  const NONE = { generations: 0, images: 0, attempts: 0, events: 0 };

  it("removes the rows and the files, but keeps a file another generation's row still uses", async () => {
    await wipeDatabase();
    const [gone, kept] = await seed([{ prompt: "to delete" }, { prompt: "shares its bytes" }]);
    const shared = Buffer.from(`the same picture ${randomUUID()}`);
    const a = await withFiles(gone!.id, LOCAL_USER_ID, { final: shared, thumb: Buffer.from(`thumb a ${randomUUID()}`), partial: Buffer.from(`partial a ${randomUUID()}`), preview: Buffer.from(`preview a ${randomUUID()}`) });
    const b = await withFiles(kept!.id, LOCAL_USER_ID, { final: shared, thumb: Buffer.from(`thumb b ${randomUUID()}`), partial: Buffer.from(`partial b ${randomUUID()}`), preview: Buffer.from(`preview b ${randomUUID()}`) });
    expect(a.finalSha).toBe(b.finalSha);

    const res = await remove(gone!.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: gone!.id, deleted: true, removedBlobs: 3 });
    expect(await rowsOf(gone!.id)).toEqual(NONE);
    expect((await detail(gone!.id)).status).toBe(404);
    expect(ids((await page("q=")).items)).toEqual([kept!.id]);
    const store = blobStore();
    expect(await store.exists(a.thumbSha)).toBe(false);
    expect(await store.exists(a.partialSha)).toBe(false);
    expect(await store.exists(a.previewSha)).toBe(false);
    expect(await store.exists(a.finalSha)).toBe(true); // the other generation's image is these bytes
    for (const sha of Object.values(b)) expect(await store.exists(sha)).toBe(true);
    expect((await rowsOf(kept!.id)).images).toBe(2);

    expect((await remove(gone!.id)).status).toBe(404);
  });

  it("refuses a queued or running generation with 409 and leaves it whole", async () => {
    await wipeDatabase();
    for (const status of ["queued", "running"]) {
      const [active] = await seed([{ prompt: `still ${status}`, status }]);
      const files = await withFiles(active!.id, LOCAL_USER_ID, { final: Buffer.from(randomUUID()), thumb: Buffer.from(randomUUID()), partial: Buffer.from(randomUUID()), preview: Buffer.from(randomUUID()) });
      const res = await remove(active!.id);
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorReply).error.code).toBe("generation_active");
      expect(await rowsOf(active!.id)).toEqual({ generations: 1, images: 2, attempts: 1, events: 1 });
      for (const sha of Object.values(files)) expect(await blobStore().exists(sha)).toBe(true);
    }
  });

  it("answers 404 for another owner's generation, an unknown id and a malformed one", async () => {
    const [theirs] = await seed([{ prompt: "not yours", ownerId: OTHER_OWNER }]);
    expect((await remove(theirs!.id)).status).toBe(404);
    expect((await rowsOf(theirs!.id)).generations).toBe(1);
    expect((await remove(randomUUID())).status).toBe(404);
    expect((await remove("nope")).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { closeStudio, imageRequests, openStudio, waitForEnd, type Studio } from "@/test/harness";
import { readSse } from "@/test/sse-reader";
import * as collection from "./route";
import * as item from "./[id]/route";
import * as cancel from "./[id]/cancel/route";
import * as events from "./[id]/events/route";
import * as image from "../images/[id]/route";
import * as thumb from "../images/[id]/thumb/route";
import * as preview from "../images/[id]/preview/route";
import sharp from "sharp";
import { cancelGeneration, submitGenerationForm } from "@/app/(studio)/actions";

/** The HTTP API's handlers with real requests, a real database and the simulator behind them. */
let studio: Studio;

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 40, betweenPartialsMs: 40, finalMs: 40 } });
});
afterAll(async () => closeStudio(studio));

const params = <P>(p: P) => ({ params: Promise.resolve(p) });
const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  collection.POST(new Request("http://studio.test/api/generations", { method: "POST", body, headers }), params({}));

type SseEvent = { id: number; event: string; data: Record<string, unknown> };

async function collectSse(response: Response): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  await readSse(response, (m) => void out.push({ id: Number(m.id), event: m.event, data: JSON.parse(m.data) as Record<string, unknown> }));
  return out;
}

describe("POST /api/generations", () => {
  it("answers 202 with an id at once, and the job runs", async () => {
    const res = await post(JSON.stringify({ prompt: "api: a kite", partial_images: 1, quality: "low" }));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await waitForEnd(id)).status).toBe("done");
  });

  it.each([
    ["an empty prompt", { prompt: "" }, "prompt"],
    ["a prompt over 32,000 characters", { prompt: "x".repeat(32_001) }, "prompt"],
    ["an unknown model", { prompt: "p", model: "dall-e-3" }, "model"],
    ["a size not divisible by 16", { prompt: "p", size: "1000x1000" }, "size"],
    ["an edge over 3840", { prompt: "p", size: "3856x1536" }, "size"],
    ["a ratio over 3", { prompt: "p", size: "2416x800" }, "size"],
    ["too few pixels", { prompt: "p", size: "1008x640" }, "size"],
    ["too many pixels", { prompt: "p", size: "3840x2176" }, "size"],
    ["n = 0", { prompt: "p", n: 0 }, "n"],
    ["n = 11", { prompt: "p", n: 11 }, "n"],
    ["compression with png", { prompt: "p", output_compression: 50 }, "output_compression"],
    ["a transparent background", { prompt: "p", background: "transparent" }, "background"],
    ["4 partial previews", { prompt: "p", partial_images: 4 }, "partial_images"],
    ["an unknown field", { prompt: "p", style: "vivid" }, "style"],
  ])("refuses %s with 422 naming the field, and sends nothing upstream", async (_name, body, field) => {
    const before = studio.sim.requests.length;
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string; field?: string } };
    expect(error.code).toBe("invalid_request");
    expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(5);
    expect(studio.sim.requests.length).toBe(before);
  });

  it("refuses a plainly violating prompt before sending, with the reason and a suggestion", async () => {
    const before = studio.sim.requests.length;
    const res = await post(JSON.stringify({ prompt: "hardcore porn scene" }));
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string; field?: string } };
    expect(error).toMatchObject({ code: "prompt_refused", field: "prompt" });
    expect(error.message).toMatch(/not sent: it asks for explicit nudity or sex acts\. .*fully clothed/);
    expect(studio.sim.requests.length).toBe(before);
  });

  it("refuses malformed JSON, the wrong content type and an oversize body", async () => {
    const before = await db().generation.count();
    const malformed = await post("{ prompt: ");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe("malformed_json");
    const wrongType = await post("prompt=hi", { "content-type": "application/x-www-form-urlencoded" });
    expect(wrongType.status).toBe(415);
    const big = await post(JSON.stringify({ prompt: "x".repeat(300_000) }));
    expect(big.status).toBe(413);
    expect(await db().generation.count()).toBe(before);
  });
});

describe("GET /api/generations", () => {
  it("pages by keyset, newest first, and filters", async () => {
    for (const n of [1, 2, 3]) await post(JSON.stringify({ prompt: `paged ${n}`, quality: "low", partial_images: 0 }));
    const page = async (query: string) => (await (await collection.GET(new Request(`http://studio.test/api/generations?${query}`), params({}))).json()) as { items: { prompt: string }[]; nextCursor: string | null };
    const first = await page("limit=2&q=paged");
    expect(first.items.map((i) => i.prompt)).toEqual(["paged 3", "paged 2"]);
    expect(first.nextCursor).toBeTruthy();
    const second = await page(`limit=2&q=paged&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.prompt)).toEqual(["paged 1"]);
    expect(second.nextCursor).toBeNull();
    const bad = await collection.GET(new Request("http://studio.test/api/generations?limit=500"), params({}));
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/generations/<id>/events", () => {
  it("replays then follows, and resumes after Last-Event-ID without gaps or duplicates", async () => {
    const { id } = (await (await post(JSON.stringify({ prompt: "sse: a comet", partial_images: 3, quality: "low" }))).json()) as { id: string };
    const live = await collectSse(await events.GET(new Request(`http://studio.test/api/generations/${id}/events`), params({ id })));
    expect(live.map((e) => e.id)).toEqual(live.map((_, i) => i + 1));
    expect(live.at(-1)?.event).toBe("end");
    expect(live.filter((e) => e.event === "partial")).toHaveLength(3);

    const cut = live[3]!.id;
    const resumed = await collectSse(await events.GET(new Request(`http://studio.test/api/generations/${id}/events`, { headers: { "last-event-id": String(cut) } }), params({ id })));
    expect(resumed.map((e) => e.id)).toEqual(live.filter((e) => e.id > cut).map((e) => e.id));
    expect(resumed).toEqual(live.slice(4));
  });

  it("sends partials as URLs to stored bytes that the image routes serve", async () => {
    const { id } = (await (await post(JSON.stringify({ prompt: "sse: urls", partial_images: 1, quality: "low", output_format: "jpeg" }))).json()) as { id: string };
    const all = await collectSse(await events.GET(new Request(`http://studio.test/api/generations/${id}/events`), params({ id })));
    const partial = all.find((e) => e.event === "partial")!.data as { url: string; imageId: string };
    expect(partial.url).toBe(`/api/images/${partial.imageId}`);
    expect(JSON.stringify(all).length).toBeLessThan(10_000); // no base64 in the stream
    const final = all.find((e) => e.event === "image")!.data as { imageId: string };
    const bytes = await image.GET(new Request(`http://studio.test/api/images/${final.imageId}`), params({ id: final.imageId }));
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get("content-type")).toBe("image/jpeg");
    expect(bytes.headers.get("cache-control")).toContain("immutable");
    const thumbnail = await thumb.GET(new Request(`http://studio.test/api/images/${final.imageId}/thumb`), params({ id: final.imageId }));
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect((await thumbnail.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it("points the live view at a browser-sized WebP copy of a heavy partial, the original kept", async () => {
    // The grain makes a partial weigh what a real one does (here some 11 MB).
    const { id } = (await (await post(JSON.stringify({ prompt: "sse: a wide partial [[sim:grain:6]]", size: "2560x1440", partial_images: 1, quality: "low" }))).json()) as { id: string };
    const all = await collectSse(await events.GET(new Request(`http://studio.test/api/generations/${id}/events`), params({ id })));
    const partial = all.find((e) => e.event === "partial")!.data as { url: string; imageId: string };
    expect(partial.url).toBe(`/api/images/${partial.imageId}/preview`);
    const shown = await preview.GET(new Request(`http://studio.test${partial.url}`), params({ id: partial.imageId }));
    expect(shown.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(Buffer.from(await shown.arrayBuffer())).metadata()).toMatchObject({ format: "webp", width: 1600, height: 900 });
    // Once made, the row keeps it; a copy lost (or made by a process now gone) is made again on request.
    await expect.poll(async () => (await db().image.findUniqueOrThrow({ where: { id: partial.imageId } })).previewSha256).toBeTruthy();
    await db().image.update({ where: { id: partial.imageId }, data: { previewSha256: null } });
    const again = await preview.GET(new Request(`http://studio.test${partial.url}`), params({ id: partial.imageId }));
    expect([again.headers.get("content-type"), again.headers.get("etag")]).toEqual([shown.headers.get("content-type"), shown.headers.get("etag")]);
    const original = await image.GET(new Request(`http://studio.test/api/images/${partial.imageId}`), params({ id: partial.imageId }));
    expect(await sharp(Buffer.from(await original.arrayBuffer())).metadata()).toMatchObject({ format: "png", width: 2560, height: 1440 });
    // A small partial has no copy: its preview is the image itself.
    const small = await db().image.findFirstOrThrow({ where: { kind: "partial", width: 1024 } });
    const same = await preview.GET(new Request(`http://studio.test/api/images/${small.id}/preview`), params({ id: small.id }));
    expect([same.headers.get("content-type"), same.headers.get("etag")]).toEqual([`image/${small.format}`, `"${small.sha256}"`]);
  });

  it("is scoped to the owner: another user's generation is not found", async () => {
    const { id } = (await (await post(JSON.stringify({ prompt: "owned", quality: "low" }))).json()) as { id: string };
    await waitForEnd(id);
    const stranger = "00000000-0000-4000-8000-0000000000aa";
    await db().user.create({ data: { id: stranger, name: "stranger" } });
    await db().generation.update({ where: { id }, data: { ownerId: stranger } });
    await db().image.updateMany({ where: { generationId: id }, data: { ownerId: stranger } });
    expect((await item.GET(new Request(`http://studio.test/api/generations/${id}`), params({ id }))).status).toBe(404);
    expect((await events.GET(new Request(`http://studio.test/api/generations/${id}/events`), params({ id }))).status).toBe(404);
    const img = await db().image.findFirstOrThrow({ where: { generationId: id, kind: "final" } });
    expect((await image.GET(new Request(`http://studio.test/api/images/${img.id}`), params({ id: img.id }))).status).toBe(404);
    expect(imageRequests(studio, "owned").length).toBe(1);
  });

  it("shows metadata with attempts and no image bytes", async () => {
    const { id } = (await (await post(JSON.stringify({ prompt: "detail view", quality: "low", size: "1024x1536" }))).json()) as { id: string };
    await waitForEnd(id);
    const res = await item.GET(new Request(`http://studio.test/api/generations/${id}`), params({ id }));
    const detail = (await res.json()) as Record<string, unknown> & { images: { width: number; height: number; echoed: { size: string } }[]; attempts: unknown[] };
    expect(detail).toMatchObject({ status: "done", size: "1024x1536", gateway: { isSimulator: true } });
    expect(detail.images[0]).toMatchObject({ width: 1024, height: 1536, echoed: { size: "1024x1536" } });
    expect(detail.attempts).toHaveLength(1);
    expect(JSON.stringify(detail)).not.toMatch(/b64|sk-sim/);
  });
});

type ErrorReply = { error: { code: string; message: string; field?: string } };

/** Runs `send` and checks it was refused as asked, with nothing sent upstream and no row written. */
async function refused(send: () => Promise<Response>, status: number, code: string, field: string): Promise<ErrorReply["error"]> {
  const [requests, rows] = [studio.sim.requests.length, await db().generation.count()];
  const res = await send();
  const { error } = (await res.json()) as ErrorReply;
  expect({ status: res.status, code: error.code, field: error.field }).toEqual({ status, code, field });
  expect(studio.sim.requests.length).toBe(requests);
  expect(await db().generation.count()).toBe(rows);
  return error;
}

const list = (query: string) => collection.GET(new Request(`http://studio.test/api/generations?${query}`), params({}));
const cursorOf = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const SOME_ID = "0b6a3c1e-5f2d-4c8a-9e7b-1d2f3a4b5c6d";

describe("input PostgreSQL cannot store", () => {
  it("refuses NUL in the prompt with 422 naming the field and where it is", async () => {
    const error = await refused(() => post(JSON.stringify({ prompt: "a red \u0000 fox" })), 422, "invalid_request", "prompt");
    expect(error.message).toMatch(/cannot be stored \(NUL at position 7\)/);
  });

  it("refuses a lone surrogate in the prompt, as raw JSON sends it", async () => {
    const error = await refused(() => post('{"prompt":"a \\ud800 b"}'), 422, "invalid_request", "prompt");
    expect(error.message).toMatch(/cannot be stored \(a lone surrogate \\ud800 at position 3\)/);
  });

  it("refuses NUL in the size", async () => {
    const error = await refused(() => post(JSON.stringify({ prompt: "p", size: "1024x1024\u0000" })), 422, "invalid_request", "size");
    expect(error.message).toMatch(/cannot be stored \(NUL at position 10\)/);
  });

  it("names an unknown key holding NUL or a lone surrogate, escaped, without failing", async () => {
    const nul = await refused(() => post('{"prompt":"p","a\\u0000b":1}'), 422, "invalid_request", "a\\u0000b");
    expect(nul.message).toBe("Unknown field: a\\u0000b");
    await refused(() => post('{"prompt":"p","\\udc00":"\\u0000"}'), 422, "invalid_request", "\\udc00");
  });

  it("gives the studio form the field error like any other", async () => {
    const data = new FormData();
    data.set("prompt", "form \u0000 prompt");
    const rows = await db().generation.count();
    const submission = await submitGenerationForm(null, data);
    expect(submission?.error).toMatchObject({ code: "invalid_request", field: "prompt" });
    expect(submission?.fieldErrors.prompt).toMatch(/cannot be stored \(NUL at position 6\)/);
    expect(await db().generation.count()).toBe(rows);
  });

  it.each([
    ["q", "q=a%00b"],
    ["size", "size=1024x1024%00"],
  ])("refuses NUL in the history's %s with 400 naming it", async (field, query) => {
    const error = await refused(() => list(query), 400, "invalid_request", field);
    expect(error.message).toMatch(/cannot be stored \(NUL at position/);
  });

  it("refuses a history date outside what can be stored", async () => {
    await refused(() => list("from=0000-01-01"), 400, "invalid_request", "from");
  });
});

describe("malformed cursors and ids", () => {
  // The near misses of a good cursor are what a lax decoder would take for one.
  const VALID = cursorOf(`2026-01-01T00:00:00.000Z|${SOME_ID}`);
  it.each([
    ["not base64url", "not base64url", "*%%%"],
    ["a character base64url has not (which Buffer would skip)", "not base64url", `*${VALID}`],
    ["padding", "not base64url", `${VALID}==`],
    ["stray bits (the same bytes, not as we wrote them)", "not base64url", `${VALID.slice(0, -1)}B`],
    ["no |", "joined by \\|", cursorOf("2026-01-01T00:00:00.000Z")],
    ["two |", "joined by \\|", cursorOf(`2026-01-01T00:00:00.000Z|${SOME_ID}|x`)],
    ["a date that is no date", "not an ISO date-time", cursorOf(`yesterday|${SOME_ID}`)],
    ["a date-only date", "not an ISO date-time", cursorOf(`2026-01-01|${SOME_ID}`)],
    ["a date that does not exist", "not an ISO date-time", cursorOf(`2026-02-30T00:00:00.000Z|${SOME_ID}`)],
    ["an id that is not a UUID", "not a UUID", cursorOf("2026-01-01T00:00:00.000Z|not-a-uuid")],
    ["a date PostgreSQL cannot hold", "outside the years", cursorOf(`-271821-04-20T00:00:00.000Z|${SOME_ID}`)],
  ])("refuses a cursor with %s: 400 invalid_cursor", async (_kind, why, cursor) => {
    const error = await refused(() => list(`cursor=${cursor}`), 400, "invalid_cursor", "cursor");
    expect(error.message).toMatch(new RegExp(why));
  });

  it("accepts cursors at the edges of the dates it takes", async () => {
    for (const at of ["0001-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
      const res = await list(`cursor=${cursorOf(`${at}|${SOME_ID}`)}`);
      expect(res.status).toBe(200);
    }
  });

  const BAD_IDS = ["not-a-uuid", "-".repeat(36), "0b6a3c1e-5f2d-4c8a-9e7b-1d2f3a4b5c6\u0000", `${SOME_ID}x`];
  const ROUTES: [string, (id: string) => Promise<Response>][] = [
    ["GET /api/generations/<id>", (id) => item.GET(new Request(`http://studio.test/api/generations/x`), params({ id }))],
    ["GET /api/generations/<id>/events", (id) => events.GET(new Request(`http://studio.test/api/generations/x/events`), params({ id }))],
    ["POST /api/generations/<id>/cancel", (id) => cancel.POST(new Request(`http://studio.test/api/generations/x/cancel`, { method: "POST" }), params({ id }))],
    ["GET /api/images/<id>", (id) => image.GET(new Request(`http://studio.test/api/images/x`), params({ id }))],
    ["GET /api/images/<id>/thumb", (id) => thumb.GET(new Request(`http://studio.test/api/images/x/thumb`), params({ id }))],
    ["GET /api/images/<id>/preview", (id) => preview.GET(new Request(`http://studio.test/api/images/x/preview`), params({ id }))],
  ];

  it.each(ROUTES)("%s: a malformed id is 404 naming the id", async (_route, call) => {
    for (const id of BAD_IDS) await refused(() => call(id), 404, "not_found", "id");
  });

  it("cancelGeneration: a malformed id is not found, before any query", async () => {
    for (const id of [...BAD_IDS, 42, null]) {
      const result = await cancelGeneration(id);
      expect(result).toMatchObject({ ok: false, error: { code: "not_found", field: "id" } });
    }
  });
});

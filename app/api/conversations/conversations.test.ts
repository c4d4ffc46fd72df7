import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentUserId } from "@/lib/auth/current-user";
import { sendMessage } from "@/lib/agent/conversations";
import { db } from "@/lib/db/client";
import { appendAssistantMessage, turnContext } from "@/lib/db/conversations";
import { finishJob } from "@/lib/db/generation-queue";
import { LeaseLost, type Lease } from "@/lib/db/lease";
import { ensureUser } from "@/lib/db/users";
import { requestCancel } from "@/lib/jobs/queue";
import { blobStore } from "@/lib/storage";
import { mask, picture } from "@/lib/uploads/test-images";
import { closeStudio, openStudio, type Studio } from "@/test/harness";
import * as list from "./route";
import * as one from "./[id]/route";
import * as messages from "./[id]/messages/route";
import * as events from "./[id]/turns/[turnId]/events/route";
import * as history from "../generations/route";

/**
 * The conversation routes on a real database, with no worker: every turn stays queued, so what a
 * message stores and queues is read as it was written, and a second message meets the first's
 * turn. The runner's side (turnContext, appendAssistantMessage) is driven by hand under a lease.
 */
let studio: Studio;
let owner: string;
let other: string;

const BASE = "http://studio.test/api/conversations";
const params = <P>(p: P) => ({ params: Promise.resolve(p) });
type ErrorBody = { error: { code: string; message: string; field?: string } };
type View = { id: string; title: string | null; settings: Record<string, unknown> };

beforeAll(async () => {
  studio = await openStudio({ worker: false });
  owner = await currentUserId();
  other = await ensureUser({ id: "00000000-0000-4000-8000-0000000000c2", name: "Someone else", isLocal: false });
});
afterAll(async () => closeStudio(studio));

const json = (method: string, url: string, body?: unknown) =>
  new Request(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });

async function create(body?: unknown): Promise<View> {
  const res = await list.POST(json("POST", BASE, body), params({}));
  const answer = (await res.json()) as View;
  expect(res.status, JSON.stringify(answer)).toBe(201);
  return answer;
}

const detail = async (id: string) => one.GET(new Request(`${BASE}/${id}`), params({ id }));
const post = (id: string, body: FormData | Record<string, unknown>) =>
  messages.POST(body instanceof FormData ? new Request(`${BASE}/${id}/messages`, { method: "POST", body }) : json("POST", `${BASE}/${id}/messages`, body), params({ id }));

async function send(id: string, body: FormData | Record<string, unknown>): Promise<{ turnId: string; messageId: string }> {
  const res = await post(id, body);
  const answer = (await res.json()) as { turnId: string; messageId: string };
  expect(res.status, JSON.stringify(answer)).toBe(202);
  return answer;
}

async function refused(res: Response, status: number): Promise<ErrorBody["error"]> {
  const { error } = (await res.json()) as ErrorBody;
  expect(res.status, error.message).toBe(status);
  return error;
}

const file = (bytes: Buffer, type = "image/png") => new Blob([new Uint8Array(bytes)], { type });
const stored = async () => ({ generations: await db().generation.count(), messages: await db().conversationMessage.count(), images: await db().image.count() });

/** What a worker's claim does to a queued turn: running under a fresh lease. */
async function claim(turnId: string): Promise<Lease> {
  const token = randomUUID();
  await db().generation.update({ where: { id: turnId }, data: { status: "running", leaseOwner: "test", leaseToken: token, leaseUntil: new Date(Date.now() + 60_000), runCount: 1 } });
  return { generationId: turnId, token };
}

async function finish(lease: Lease): Promise<void> {
  const result = { status: "done", errorCode: null, errorMessage: null, notice: null, usage: null, costUsd: null, latencyMs: 5, firstPartialMs: null } as const;
  await finishJob(lease, result, { status: "done", images: 0, latencyMs: 5, firstPartialMs: null, usage: null, costUsd: null });
}

describe("conversations", () => {
  it("are created with the settings' defaults, listed newest first, renamed and deleted, each owner seeing only theirs", async () => {
    const first = await create();
    expect(first).toEqual({
      id: expect.any(String),
      title: null,
      settings: { textModel: "gpt-5.5", size: "1024x1024", quality: "auto", format: "png", compression: null, background: "auto", partialImages: 2, action: "auto" },
    });
    const second = await create({ title: "  Posters  ", settings: { size: "1536x1024", format: "webp", compression: 80, action: "edit", textModel: "gpt-5.5-mini" } });
    expect(second.title).toBe("Posters");
    expect(second.settings).toMatchObject({ size: "1536x1024", format: "webp", compression: 80, action: "edit", textModel: "gpt-5.5-mini", quality: "auto" });

    const listed = (await (await list.GET(new Request(BASE), params({}))).json()) as { items: { id: string; title: string | null; updatedAt: string; lastMessage: unknown }[] };
    expect(listed.items.map((c) => c.id)).toEqual([second.id, first.id]);
    expect(listed.items[0]).toEqual({ id: second.id, title: "Posters", updatedAt: expect.any(String), lastMessage: null });

    // Renaming one moves it to the top; a settings change keeps the others, png clears the compression.
    const renamed = await one.PATCH(json("PATCH", `${BASE}/${first.id}`, { title: "Renamed" }), params({ id: first.id }));
    expect(((await renamed.json()) as View).title).toBe("Renamed");
    const patched = await one.PATCH(json("PATCH", `${BASE}/${second.id}`, { settings: { format: "png" } }), params({ id: second.id }));
    expect(((await patched.json()) as View).settings).toMatchObject({ format: "png", compression: null, size: "1536x1024", action: "edit" });
    const cleared = await one.PATCH(json("PATCH", `${BASE}/${second.id}`, { title: "" }), params({ id: second.id }));
    expect(((await cleared.json()) as View).title).toBeNull();

    const shown = (await (await detail(second.id)).json()) as View & { messages: unknown[]; activeTurn: unknown; limits: unknown };
    expect(shown).toMatchObject({ id: second.id, title: null, messages: [], activeTurn: null, limits: { maxImages: 4, imageEdge: 1536 } });

    // Another owner's conversation is not found, whatever is asked of it.
    const [theirs] = await db().conversation.createManyAndReturn({ data: [{ id: randomUUID(), ownerId: other, settings: first.settings as object }] });
    const id = theirs!.id;
    expect((await refused(await detail(id), 404)).code).toBe("not_found");
    await refused(await one.PATCH(json("PATCH", `${BASE}/${id}`, { title: "mine now" }), params({ id })), 404);
    await refused(await one.DELETE(new Request(`${BASE}/${id}`, { method: "DELETE" }), params({ id })), 404);
    await refused(await post(id, { text: "hello" }), 404);
    await refused(await detail("not-a-uuid"), 404);
    expect((await db().conversation.findUniqueOrThrow({ where: { id } })).title).toBeNull();

    const gone = await one.DELETE(new Request(`${BASE}/${first.id}`, { method: "DELETE" }), params({ id: first.id }));
    expect(await gone.json()).toEqual({ id: first.id, deleted: true });
    await refused(await detail(first.id), 404);
  });

  it("refuses bad settings and bodies with 422 naming the field", async () => {
    const before = await db().conversation.count();
    const bad = async (body: unknown) => refused(await list.POST(json("POST", BASE, body), params({})), 422);
    const size = await bad({ settings: { size: "banana" } });
    expect(size).toMatchObject({ code: "invalid_request", field: "size" });
    expect(size.message).toMatch(/^size: Size must be "auto" or WIDTHxHEIGHT/);
    expect(await bad({ settings: { size: "1000x1000" } })).toMatchObject({ field: "size" });
    expect(await bad({ settings: { quality: "ultra" } })).toMatchObject({ field: "quality" });
    expect(await bad({ settings: { format: "gif" } })).toMatchObject({ field: "format" });
    expect(await bad({ settings: { compression: 101, format: "jpeg" } })).toMatchObject({ field: "compression" });
    expect(await bad({ settings: { compression: 50 } })).toMatchObject({ field: "compression" });
    expect(await bad({ settings: { background: "transparent" } })).toMatchObject({ field: "background" });
    expect(await bad({ settings: { partialImages: 4 } })).toMatchObject({ field: "partialImages" });
    expect(await bad({ settings: { action: "paint" } })).toMatchObject({ field: "action" });
    expect(await bad({ settings: { textModel: "gpt 5; drop" } })).toMatchObject({ field: "textModel" });
    expect(await bad({ settings: { textModel: "x".repeat(101) } })).toMatchObject({ field: "textModel" });
    expect(await bad({ settings: { textModel: "" } })).toMatchObject({ field: "textModel" });
    expect(await bad({ settings: { style: "vivid" } })).toMatchObject({ message: "Unknown setting: style" });
    expect(await bad({ settings: "big" })).toMatchObject({ field: "settings" });
    expect(await bad({ title: "t".repeat(201) })).toMatchObject({ field: "title" });
    expect(await bad({ title: "nul\u0000" })).toMatchObject({ field: "title" });
    expect(await bad({ colour: "red" })).toMatchObject({ field: "colour" });
    expect(await db().conversation.count()).toBe(before);
  });

  it("queues a message's turn with its text as the prompt and the designed payload, and refuses a second while it waits", async () => {
    const conversation = await create({ settings: { size: "1536x1024", quality: "low", partialImages: 1 } });
    const text = "  A lighthouse at dusk, painted in warm oils, with gulls circling the lamp and waves below  ";
    const { turnId, messageId } = await send(conversation.id, { text, settings: { action: "generate" } });

    const turn = await db().generation.findUniqueOrThrow({ where: { id: turnId } });
    expect(turn).toMatchObject({ kind: "agent-turn", status: "queued", conversationId: conversation.id, prompt: text.trim(), model: "gpt-image-2", size: "1536x1024", quality: "low", n: 1, partialImages: 1 });
    const settings = { textModel: "gpt-5.5", size: "1536x1024", quality: "low", format: "png", compression: null, background: "auto", partialImages: 1, action: "generate" };
    expect(turn.request).toEqual({ conversationId: conversation.id, userMessageId: messageId, settings });

    // The message is stored with its turn; the conversation takes the settings, and a title from the message.
    const shown = (await (await detail(conversation.id)).json()) as View & { messages: Record<string, unknown>[]; activeTurn: unknown };
    expect(shown.title).toBe("A lighthouse at dusk, painted in warm oils, with gulls…");
    expect(shown.settings).toEqual(settings);
    expect(shown.activeTurn).toEqual({ id: turnId, status: "queued" });
    expect(shown.messages).toEqual([
      { id: messageId, role: "user", text: text.trim(), images: [], maskImageId: null, turnId, createdAt: expect.any(String), turn: { id: turnId, status: "queued", error: null } },
    ]);
    const listed = (await (await list.GET(new Request(BASE), params({}))).json()) as { items: { id: string; lastMessage: unknown }[] };
    expect(listed.items[0]).toMatchObject({ id: conversation.id, lastMessage: { role: "user", text: text.trim() } });

    // A turn is a generation in history: its prompt is searchable.
    const found = (await (await history.GET(new Request("http://studio.test/api/generations?q=lighthouse%20gulls"), params({}))).json()) as { items: { id: string; kind: string; cover: unknown }[] };
    expect(found.items).toEqual([expect.objectContaining({ id: turnId, kind: "agent-turn", cover: null })]);

    const before = await stored();
    const second = await refused(await post(conversation.id, { text: "now make it vertical" }), 409);
    expect(second.code).toBe("turn_active");
    // Deleting it is refused too while the turn waits.
    expect((await refused(await one.DELETE(new Request(`${BASE}/${conversation.id}`, { method: "DELETE" }), params({ id: conversation.id })), 409)).code).toBe("turn_active");
    expect(await stored()).toEqual(before);
  });

  it("refuses a second message that races the first's turn (the database's one-active-turn rule)", async () => {
    const conversation = await create();
    const results = await Promise.allSettled([0, 1, 2].map((i) => sendMessage(owner, conversation.id, { text: `race ${i}`, imageIds: [], files: [], mask: null })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409, code: "turn_active" });
    expect(await db().conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(1);
  });

  it("stores attachments and the mask as images of the turn, with picked images after them", async () => {
    const conversation = await create();
    const photo = await picture("png", 640, 480, 3);
    const logo = await picture("jpeg", 320, 240, 4);
    const form = new FormData();
    form.append("text", "put the logo in the corner");
    form.append("image[]", file(photo), "photo.png");
    form.append("image[]", file(logo, "image/jpeg"), "logo.jpg");
    form.append("mask", file(await mask(640, 480, { left: 0, top: 0, width: 100, height: 100 })), "mask.png");
    const { turnId, messageId } = await send(conversation.id, form);

    const rows = await db().image.findMany({ where: { generationId: turnId }, orderBy: [{ kind: "asc" }, { imageIndex: "asc" }] });
    expect(rows.map((r) => [r.kind, r.imageIndex, r.format, r.width, r.height])).toEqual([
      ["attachment", 0, "png", 640, 480],
      ["attachment", 1, "jpeg", 320, 240],
      ["mask", 0, "png", 640, 480],
    ]);
    for (const row of rows) expect(await blobStore().exists(row.sha256)).toBe(true);
    const message = await db().conversationMessage.findUniqueOrThrow({ where: { id: messageId } });
    expect(message).toMatchObject({ role: "user", position: 1, turnId, imageIds: [rows[0]!.id, rows[1]!.id], maskImageId: rows[2]!.id });
    // Inputs are not results: no image counted in usage, no cover in history.
    expect(await db().usageDaily.aggregate({ _sum: { images: true }, where: { ownerId: owner } })).toEqual({ _sum: { images: null } });

    // Finished, the next message may pick one of those attachments (a picture of the owner's), shown back with its URLs.
    await finish(await claim(turnId));
    const picked = await send(conversation.id, { text: "use the photo again", imageIds: [rows[0]!.id.toUpperCase()] });
    const shown = (await (await detail(conversation.id)).json()) as { messages: { id: string; images: { id: string; url: string; thumbUrl: string; width: number; height: number }[] }[] };
    expect(shown.messages.map((m) => m.images.map((i) => i.id))).toEqual([[rows[0]!.id, rows[1]!.id], [rows[0]!.id]]);
    expect(shown.messages[1]!.images[0]).toEqual({ id: rows[0]!.id, url: `/api/images/${rows[0]!.id}`, thumbUrl: `/api/images/${rows[0]!.id}/thumb`, width: 640, height: 480 });
    expect(await db().image.count({ where: { generationId: picked.turnId } })).toBe(0);
  });

  describe("refuses a message before storing or queuing anything", () => {
    let conversation: View;
    beforeAll(async () => {
      conversation = await create();
    });

    async function refusedMessage(body: FormData | Record<string, unknown>, status: number, id = conversation.id) {
      const before = await stored();
      const error = await refused(await post(id, body), status);
      expect(await stored()).toEqual(before);
      return error;
    }
    const formOf = (parts: [string, string | Blob, string?][]) => {
      const form = new FormData();
      for (const [name, value, fileName] of parts) {
        if (typeof value === "string") form.append(name, value);
        else form.append(name, value, fileName);
      }
      return form;
    };

    it("an attachment that is text renamed .png: 422 naming the file", async () => {
      const error = await refusedMessage(formOf([["text", "look at this"], ["image[]", file(Buffer.from("just some notes\n".repeat(40))), "notes.png"]]), 422);
      expect(error).toMatchObject({ code: "invalid_upload", field: "image[]" });
      expect(error.message).toMatch(/^notes\.png: not an image/);
    });

    it("another owner's image, a partial, or an id that is no image: 404 naming it", async () => {
      const theirs = await db().conversation.create({ data: { id: randomUUID(), ownerId: other, settings: conversation.settings as object } });
      const sent = await sendMessage(other, theirs.id, { text: "their picture", imageIds: [], files: [new File([new Uint8Array(await picture("png", 64, 64, 9))], "theirs.png")], mask: null });
      const their = await db().image.findFirstOrThrow({ where: { generationId: sent.turnId, kind: "attachment" } });
      const error = await refusedMessage({ text: "use their picture", imageIds: [their.id] }, 404);
      expect(error).toMatchObject({ code: "not_found", field: "imageIds" });
      expect(error.message).toContain(their.id);
      await db().image.update({ where: { id: their.id }, data: { ownerId: owner, kind: "partial" } });
      expect(await refusedMessage({ text: "use a partial", imageIds: [their.id] }, 404)).toMatchObject({ field: "imageIds" });
      expect(await refusedMessage({ text: "use nothing", imageIds: ["not-an-id"] }, 404)).toMatchObject({ field: "imageIds" });
      expect(await refusedMessage({ text: "use nothing", imageIds: [randomUUID()] }, 404)).toMatchObject({ field: "imageIds" });
    });

    it("a mask without an image, or one that does not fit: 422 naming the mask", async () => {
      const holeMask = await mask(640, 480, { left: 0, top: 0, width: 64, height: 64 });
      expect(await refusedMessage(formOf([["text", "mask only"], ["mask", file(holeMask), "mask.png"]]), 422)).toMatchObject({ code: "invalid_request", field: "mask" });
      const photo = await picture("png", 320, 240, 5);
      const wrong = await refusedMessage(formOf([["text", "masked"], ["image[]", file(photo), "photo.png"], ["mask", file(holeMask), "mask.png"]]), 422);
      expect(wrong).toMatchObject({ code: "invalid_upload", field: "mask" });
      expect(wrong.message).toMatch(/640x480 .* 320x240/);
      const flat = await refusedMessage(formOf([["text", "masked"], ["image[]", file(photo), "photo.png"], ["mask", file(await picture("png", 320, 240, 6)), "flat.png"]]), 422);
      expect(flat).toMatchObject({ field: "mask" });
      expect(flat.message).toMatch(/alpha/);
    });

    it("text that is empty, too long, unstorable or refused by the safety pre-filter, and bad settings or fields", async () => {
      expect(await refusedMessage({ text: "   " }, 422)).toMatchObject({ code: "invalid_request", field: "text" });
      expect(await refusedMessage({}, 422)).toMatchObject({ field: "text" });
      expect(await refusedMessage({ text: "x".repeat(32_001) }, 422)).toMatchObject({ field: "text" });
      expect(await refusedMessage({ text: "bad \ud800 text" }, 422)).toMatchObject({ field: "text" });
      expect(await refusedMessage({ text: "a pornographic poster" }, 422)).toMatchObject({ code: "prompt_refused", field: "text" });
      expect(await refusedMessage({ text: "ok", settings: { size: "banana" } }, 422)).toMatchObject({ field: "size" });
      expect(await refusedMessage({ text: "ok", colour: "red" }, 422)).toMatchObject({ field: "colour" });
      expect(await refusedMessage(formOf([["text", "ok"], ["settings", "{not json"]]), 422)).toMatchObject({ field: "settings" });
      const plain = await messages.POST(new Request(`${BASE}/${conversation.id}/messages`, { method: "POST", body: "text=hi", headers: { "content-type": "text/plain" } }), params({ id: conversation.id }));
      expect(plain.status).toBe(415);
      // The conversation's settings are untouched by a refused message.
      expect(((await (await detail(conversation.id)).json()) as View).settings).toEqual(conversation.settings);
    });
  });

  it("gives the runner its context in order and takes its reply only under the turn's lease", async () => {
    const conversation = await create();
    const first = await send(conversation.id, { text: "a red door" });
    const lease = await claim(first.turnId);
    expect(await turnContext(first.turnId)).toEqual({
      conversation: { id: conversation.id, ownerId: owner, settings: conversation.settings },
      messages: [{ id: first.messageId, role: "user", text: "a red door", imageIds: [], maskImageId: null }],
    });

    // A lease taken over since (a new token) or a turn that ended writes nothing.
    const reply = { conversationId: conversation.id, ownerId: owner, turnId: first.turnId, text: "Here is a red door.", imageIds: [] };
    await expect(appendAssistantMessage({ ...lease, token: randomUUID() }, reply)).rejects.toBeInstanceOf(LeaseLost);
    const earlier = await appendAssistantMessage(lease, { ...reply, text: "a first try, before the worker died" });
    // The same turn's reply again (a re-run): it replaces the first, never a second reply.
    const replyId = await appendAssistantMessage(lease, reply);
    expect(replyId).toBe(earlier);
    await finish(lease);
    await expect(appendAssistantMessage(lease, { ...reply, text: "late" })).rejects.toBeInstanceOf(LeaseLost);
    expect(await db().conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(2);

    const second = await send(conversation.id, { text: "now make it blue" });
    const third = turnContext(second.turnId);
    expect((await third)!.messages.map((m) => [m.id, m.role, m.text])).toEqual([
      [first.messageId, "user", "a red door"],
      [replyId, "assistant", "Here is a red door."],
      [second.messageId, "user", "now make it blue"],
    ]);
    // The first turn still sees only its own message: a re-run never reads later ones.
    expect((await turnContext(first.turnId))!.messages.map((m) => m.id)).toEqual([first.messageId]);
    expect(await turnContext(randomUUID())).toBeNull();
  });

  it("follows a turn's events only through its own conversation", async () => {
    const conversation = await create();
    const { turnId } = await send(conversation.id, { text: "events please" });
    const elsewhere = await create();
    const wrong = await events.GET(new Request(`${BASE}/${elsewhere.id}/turns/${turnId}/events`), params({ id: elsewhere.id, turnId }));
    expect((await refused(wrong, 404)).code).toBe("not_found");

    const abort = new AbortController();
    const res = await events.GET(new Request(`${BASE}/${conversation.id}/turns/${turnId}/events`, { signal: abort.signal }), params({ id: conversation.id, turnId }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    let seen = "";
    while (!seen.includes("event: status")) seen += new TextDecoder().decode((await reader.read()).value);
    expect(seen).toMatch(/id: 1\nevent: status\ndata: \{"status":"queued"/);
    abort.abort();
    await reader.cancel();
  });

  it("deletes a conversation and its messages, keeping its turns in history without it", async () => {
    const conversation = await create();
    const { turnId } = await send(conversation.id, { text: "keep me in history" });
    expect(await requestCancel(owner, turnId)).toBe("cancelled");
    const res = await one.DELETE(new Request(`${BASE}/${conversation.id}`, { method: "DELETE" }), params({ id: conversation.id }));
    expect(res.status).toBe(200);
    expect(await db().conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(0);
    expect(await db().generation.findUniqueOrThrow({ where: { id: turnId } })).toMatchObject({ kind: "agent-turn", conversationId: null, prompt: "keep me in history" });
  });
});

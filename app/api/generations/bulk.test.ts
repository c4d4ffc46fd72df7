import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { blobStore } from "@/lib/storage";
import { closeStudio, openStudio, type Studio } from "@/test/harness";
import { OTHER_OWNER, picture, seedGeneration } from "@/test/seed-history";
import * as bulk from "./bulk/route";

/** Favourite, unfavourite and delete several generations at once, on a real PostgreSQL and blob store. */
let studio: Studio;
beforeAll(async () => {
  studio = await openStudio({ worker: false }); // seeded running rows must stay running
});
afterAll(async () => closeStudio(studio));

type Reply = { done: string[]; skipped: { id: string; code: string; message: string }[] };
type ErrorReply = { error: { code: string; message: string; field?: string } };

const send = (body: unknown, type = "application/json") =>
  bulk.POST(new Request("http://studio.test/api/generations/bulk", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": type } }), { params: Promise.resolve({}) });
async function ok(body: unknown): Promise<Reply> {
  const res = await send(body);
  expect(res.status).toBe(200);
  return (await res.json()) as Reply;
}
const favorites = async (ids: string[]) =>
  Object.fromEntries((await db().generation.findMany({ where: { id: { in: ids } }, select: { id: true, favorite: true } })).map((g) => [g.id, g.favorite]));

describe("POST /api/generations/bulk", () => {
  it("favourites and unfavourites the owner's generations, skipping the rest as not_found", async () => {
    const [a, b, theirs] = [await seedGeneration(), await seedGeneration(), await seedGeneration({ ownerId: OTHER_OWNER })];
    const unknown = randomUUID();
    const on = await ok({ action: "favorite", ids: [a.id, theirs.id, b.id.toUpperCase(), unknown, a.id] });
    expect(on.done).toEqual([a.id, b.id]);
    expect(on.skipped).toEqual([
      { id: theirs.id, code: "not_found", message: "Generation was not found" },
      { id: unknown, code: "not_found", message: "Generation was not found" },
    ]);
    expect(await favorites([a.id, b.id, theirs.id])).toEqual({ [a.id]: true, [b.id]: true, [theirs.id]: false });

    const off = await ok({ action: "unfavorite", ids: [b.id, theirs.id] });
    expect(off).toEqual({ done: [b.id], skipped: [{ id: theirs.id, code: "not_found", message: "Generation was not found" }] });
    expect(await favorites([a.id, b.id])).toEqual({ [a.id]: true, [b.id]: false });
  });

  it("deletes finished generations with their files, keeps a file another generation uses, and skips the running and another owner's", async () => {
    const shared = await picture("png");
    const gone = await seedGeneration({ images: [{ bytes: shared }, {}] });
    const failed = await seedGeneration({ status: "failed", images: [] });
    const keeper = await seedGeneration({ images: [{ bytes: shared }] });
    const running = await seedGeneration({ status: "running" });
    const theirs = await seedGeneration({ ownerId: OTHER_OWNER });
    const [sharedImage, ownImage] = gone.images;
    expect(keeper.images[0]!.sha256).toBe(sharedImage!.sha256);

    const reply = await ok({ action: "delete", ids: [gone.id, running.id, theirs.id, failed.id] });
    expect(reply.done).toEqual([gone.id, failed.id]);
    expect(reply.skipped).toEqual([
      { id: running.id, code: "generation_active", message: expect.stringContaining("cancel it first") },
      { id: theirs.id, code: "not_found", message: "Generation was not found" },
    ]);
    const left = await db().generation.findMany({ where: { id: { in: [gone.id, failed.id, keeper.id, running.id, theirs.id] } }, select: { id: true } });
    expect(left.map((g) => g.id).sort()).toEqual([keeper.id, running.id, theirs.id].sort());
    expect(await db().image.count({ where: { generationId: gone.id } })).toBe(0);
    expect(await blobStore().exists(ownImage!.sha256)).toBe(false);
    expect(await blobStore().exists(sharedImage!.sha256)).toBe(true); // the keeper's image is these bytes
    expect(await blobStore().exists(running.images[0]!.sha256)).toBe(true);
    expect(await blobStore().exists(theirs.images[0]!.sha256)).toBe(true);

    expect(await ok({ action: "delete", ids: [gone.id] })).toEqual({ done: [], skipped: [{ id: gone.id, code: "not_found", message: "Generation was not found" }] });
  });

  it.each([
    ["an unknown action", { action: "explode", ids: [randomUUID()] }, "action"],
    ["no action", { ids: [randomUUID()] }, "action"],
    ["no ids", { action: "favorite" }, "ids"],
    ["an empty list", { action: "favorite", ids: [] }, "ids"],
    ["501 ids", { action: "delete", ids: Array.from({ length: 501 }, () => randomUUID()) }, "ids"],
    ["an id that is not a UUID", { action: "delete", ids: ["nope"] }, "ids"],
    ["an unknown field", { action: "favorite", ids: [randomUUID()], force: true }, "force"],
  ])("refuses %s with 422 naming the field", async (_name, body, field) => {
    const res = await send(body);
    const { error } = (await res.json()) as ErrorReply;
    expect({ status: res.status, code: error.code, field: error.field }).toEqual({ status: 422, code: "invalid_request", field });
    expect(error.message).toContain(field);
  });

  it("refuses a body that is not JSON", async () => {
    expect((await send(`action=delete&ids=${randomUUID()}`, "application/x-www-form-urlencoded")).status).toBe(415);
    const res = await send("[", "application/json");
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorReply).error.code).toBe("malformed_json");
  });
});

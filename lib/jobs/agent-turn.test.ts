import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { conversationDetail, createConversation, sendMessage, type MessageInput } from "@/lib/agent/conversations";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { Usage } from "@/lib/gateway/client";
import { costOf, pricesFor, type PriceSnapshot } from "@/lib/jobs/cost";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { blobStore } from "@/lib/storage";
import { mask, picture } from "@/lib/uploads/test-images";
import { startSimulator, type RequestLogEntry, type Simulator } from "@/simulator/server";
import { exited, spawnWorker, waitForPartial } from "@/test/worker-process";
import { closeStudio, eventsOf, openStudio, scriptFaults, waitForEnd, type Studio } from "@/test/harness";

/**
 * Agent turns end to end: real PostgreSQL, the simulator's /v1/responses over HTTP, the worker.
 * Each turn's request is rebuilt from the stored conversation (read back from the simulator's
 * request log); its reply streams as `text`, then the tool's partials and picture, stored as the
 * turn's final images and its assistant message; the ledger bills the text model and the image
 * tool apart. Refusals end a turn with one request; a killed worker's turn is re-run.
 */
let studio: Studio;
let owner: string;
let local: Worker | null = null;
let child: ChildProcess | null = null;
let slowSim: Simulator | null = null;

const EDGE = 768;
const TEXT_PRICES = { textInputPerM: 2, cachedTextInputPerM: 0.5, textOutputPerM: 16 };

beforeAll(async () => {
  studio = await openStudio({
    worker: false,
    latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20, textDeltaMs: 5 },
    // Resent pictures are shrunk to this long edge; the text model has prices of its own.
    settings: { AGENT_IMAGE_EDGE: String(EDGE), PRICES_BY_MODEL: JSON.stringify({ "gpt-5.5": TEXT_PRICES }) },
  });
  owner = await currentUserId();
  local = await startWorker({ log: () => undefined });
});
afterEach(async () => {
  child?.kill("SIGKILL");
  child = null;
});
afterAll(async () => {
  await local?.stop(0);
  await slowSim?.close();
  await closeStudio(studio);
});

const message = (text: string, extra: Partial<MessageInput> = {}): MessageInput => ({ text, imageIds: [], files: [], mask: null, ...extra });
const file = (bytes: Buffer, name: string) => new File([new Uint8Array(bytes)], name, { type: "image/png" });

async function conversation(): Promise<string> {
  const { id } = await createConversation(owner, { settings: { quality: "low", partialImages: 2, size: "1024x1024" } });
  return id;
}

/** The simulator's log of /v1/responses requests whose last user message contains `text`. */
function turnRequests(sim: Simulator, text: string): (RequestLogEntry & { body: ResponsesLog })[] {
  return sim.requests.filter((r) => r.path === "/v1/responses" && (r.body as ResponsesLog | null)?.messages.at(-1)?.text.includes(text)) as (RequestLogEntry & { body: ResponsesLog })[];
}
type ResponsesLog = {
  messages: { role: string; text: string; images: number }[];
  tools: Record<string, unknown>[];
  tool_choice: unknown;
  user: unknown;
  previousResponseId: string | null;
  inputImages: { width: number; height: number; sha256: string }[];
  mask: { width: number; height: number; alpha: boolean } | null;
};

const finals = (generationId: string) => db().image.findMany({ where: { generationId, kind: "final" }, orderBy: { imageIndex: "asc" } });

async function assistantReply(conversationId: string, turnId: string) {
  const detail = await conversationDetail(owner, conversationId);
  return detail.messages.filter((m) => m.role === "assistant" && m.turnId === turnId);
}

describe("an agent conversation", () => {
  it("rebuilds each turn's request from the stored conversation, streams text then the picture, and keeps it", async () => {
    const id = await conversation();
    const logo = await picture("png", 1024, 1024, 7);
    const photo = await picture("png", 1024, 1024, 9);
    const hole = await mask(1024, 1024, { left: 256, top: 256, width: 512, height: 512 });

    // Turn 1: a first picture.
    const first = await sendMessage(owner, id, message("draw a lighthouse at night"));
    const turn1 = await waitForEnd(first.turnId);
    expect(turn1).toMatchObject({ status: "done", kind: "agent-turn", conversationId: id, prompt: "draw a lighthouse at night" });
    const types = (await eventsOf(first.turnId)).map((e) => e.type);
    const firstText = types.indexOf("text");
    expect(firstText).toBeGreaterThan(0);
    expect(types.indexOf("partial")).toBeGreaterThan(types.lastIndexOf("text"));
    expect(types.slice(types.indexOf("partial"))).toEqual(["partial", "partial", "image", "end"]);
    const [made1] = await finals(first.turnId);
    expect(made1).toBeDefined();
    const events1 = await eventsOf(first.turnId);
    const streamed = events1.filter((e) => e.type === "text").map((e) => (e.data as { delta: string }).delta).join("");
    const [reply1] = await assistantReply(id, first.turnId);
    expect(reply1).toMatchObject({ text: streamed, images: [{ id: made1!.id }] });
    expect(streamed).toMatch(/lighthouse/);
    expect(events1.find((e) => e.type === "image")!.data).toMatchObject({ imageIndex: 0, imageId: made1!.id, width: 1024, height: 1024 });
    const statuses = events1.filter((e) => e.type === "status").map((e) => (e.data as { message: string }).message);
    expect(statuses).toEqual(expect.arrayContaining(["Thinking…", "Drawing the picture…"]));

    const [req1] = turnRequests(studio.sim, "draw a lighthouse");
    expect(req1!.body).toMatchObject({ messages: [{ role: "user", text: "draw a lighthouse at night", images: 0 }], tool_choice: "auto", user: owner, previousResponseId: null, mask: null });
    expect(req1!.body.tools).toEqual([{ type: "image_generation", size: "1024x1024", quality: "low", output_format: "png", background: "auto", partial_images: 2, action: "auto" }]);

    // Turn 2: the latest picture is resent, then the one attached, each shrunk to the edge.
    const second = await sendMessage(owner, id, message("now put this logo in the corner", { files: [file(logo, "logo.png")] }));
    expect((await waitForEnd(second.turnId)).status).toBe("done");
    const [req2] = turnRequests(studio.sim, "put this logo");
    expect(req2!.body.messages).toEqual([
      { role: "user", text: "draw a lighthouse at night", images: 0 },
      { role: "assistant", text: `${reply1!.text}\n[made 1 image]`, images: 0 },
      { role: "user", text: "now put this logo in the corner", images: 2 },
    ]);
    const latest = await shrunkSha256(made1!.sha256);
    const attachment = await db().image.findFirstOrThrow({ where: { generationId: second.turnId, kind: "attachment" } });
    expect(req2!.body.inputImages.map((i) => [i.width, i.height, i.sha256])).toEqual([
      [EDGE, EDGE, latest],
      [EDGE, EDGE, await shrunkSha256(attachment.sha256)],
    ]);
    expect(req2!.body.previousResponseId).toBeNull();
    const [made2] = await finals(second.turnId);
    expect((await assistantReply(id, second.turnId))[0]!.images.map((i) => i.id)).toEqual([made2!.id]);

    // Turn 3: an attached photo with a mask: the photo alone, the mask as the tool's input_image_mask.
    const third = await sendMessage(owner, id, message("repaint the sky inside the mask", { files: [file(photo, "photo.png")], mask: file(hole, "mask.png") }));
    expect((await waitForEnd(third.turnId)).status).toBe("done");
    const [req3] = turnRequests(studio.sim, "repaint the sky");
    expect(req3!.body.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(req3!.body.messages[2]).toEqual({ role: "user", text: "now put this logo in the corner\n[attached 1 image]", images: 0 });
    expect(req3!.body.inputImages).toHaveLength(1);
    expect(req3!.body.inputImages[0]).toMatchObject({ width: EDGE, height: EDGE });
    expect(req3!.body.mask).toMatchObject({ width: EDGE, height: EDGE, alpha: true });
    expect(req3!.body.tools[0]).toMatchObject({ input_image_mask: { image_url: expect.stringMatching(/^data:image\/png;base64,/) as unknown } });
    expect(turnRequests(studio.sim, "").every((r) => r.body.previousResponseId === null)).toBe(true);

    // Every picture is an ordinary final image of its turn, in history.
    const history = await db().image.findMany({ where: { ownerId: owner, kind: "final", generation: { conversationId: id } } });
    expect(history).toHaveLength(3);
  });

  it("bills the text model and the image tool as separate attempts, each at its own model's prices", async () => {
    const id = await conversation();
    const { turnId } = await sendMessage(owner, id, message("draw a red kite over the dunes"));
    const turn = await waitForEnd(turnId);
    const attempts = await db().attempt.findMany({ where: { generationId: turnId }, orderBy: { startedAt: "asc" } });
    expect(attempts.map((a) => [a.step, a.model, a.status])).toEqual([
      ["text", "gpt-5.5", "ok"],
      ["image_tool", "gpt-image-2", "ok"],
    ]);
    const [text, tool] = attempts;
    const settings = env();
    const textUsage = text!.usage as Usage;
    const textPrices = pricesFor("gpt-5.5", settings);
    expect(text!.prices).toEqual(textPrices);
    // All of the text model's tokens are text: its output at the text output price, not the image one.
    const textCost = ((textUsage.input_tokens - 0) * TEXT_PRICES.textInputPerM + textUsage.output_tokens * TEXT_PRICES.textOutputPerM) / 1e6;
    expect(Number(text!.costUsd)).toBeCloseTo(textCost, 6);
    expect(tool!.prices).toEqual(pricesFor("gpt-image-2", settings));
    expect(Number(tool!.costUsd)).toBeCloseTo(costOf(tool!.usage as Usage, tool!.prices as PriceSnapshot), 6);
    expect((tool!.usage as Usage).output_tokens).toBeGreaterThan(0);
    expect(Number(turn.costUsd)).toBeCloseTo(Number(text!.costUsd) + Number(tool!.costUsd), 6);
    expect(turn.inputTokens).toBe(textUsage.input_tokens + (tool!.usage as Usage).input_tokens);

    const daily = await db().usageDaily.findMany({ where: { ownerId: owner } });
    const byModel = new Map(daily.map((d) => [d.model, d]));
    expect(byModel.get("gpt-5.5")).toBeDefined();
    expect(Number(byModel.get("gpt-5.5")!.images)).toBe(0);
    expect(Number(byModel.get("gpt-image-2")!.images)).toBeGreaterThan(0);
  });

  it("takes a text-only answer as a whole reply", async () => {
    const id = await conversation();
    const { turnId } = await sendMessage(owner, id, message("hello, who are you?"));
    const turn = await waitForEnd(turnId);
    expect(turn.status).toBe("done");
    expect(await finals(turnId)).toHaveLength(0);
    const [reply] = await assistantReply(id, turnId);
    expect(reply!.text.length).toBeGreaterThan(0);
    expect(reply!.images).toEqual([]);
    expect((await db().attempt.findMany({ where: { generationId: turnId } })).map((a) => a.step)).toEqual(["text"]);
  });

  it("ends a refused turn clearly after one request, and never retries it", async () => {
    const id = await conversation();
    const { turnId } = await sendMessage(owner, id, message("[[sim:moderation]] draw the forbidden thing"));
    const turn = await waitForEnd(turnId);
    expect(turn).toMatchObject({ status: "failed", errorCode: "moderation_blocked" });
    expect(turn.errorMessage).toMatch(/safety system refused this prompt/);
    expect(turnRequests(studio.sim, "draw the forbidden thing")).toHaveLength(1);
    expect((await eventsOf(turnId)).at(-1)?.data).toMatchObject({ status: "failed", error: { code: "moderation_blocked" } });
    expect(await assistantReply(id, turnId)).toEqual([]);

    // Refused mid-stream, where the tool starts: still one request, still a refusal.
    const later = await sendMessage(owner, id, message("[[sim:moderation;at=tool]] draw it anyway"));
    expect(await waitForEnd(later.turnId)).toMatchObject({ status: "failed", errorCode: "moderation_blocked" });
    expect(turnRequests(studio.sim, "draw it anyway")).toHaveLength(1);
  });

  it("retries a 503 before anything was shown, within the policy", async () => {
    const id = await conversation();
    await scriptFaults(studio, "a harbour after a 503", ["status:503"]);
    const { turnId } = await sendMessage(owner, id, message("draw a harbour after a 503"));
    expect((await waitForEnd(turnId)).status).toBe("done");
    expect(turnRequests(studio.sim, "a harbour after a 503").map((r) => r.status)).toEqual([503, 200]);
    const texts = await db().attempt.findMany({ where: { generationId: turnId, step: "text" }, orderBy: { number: "asc" } });
    expect(texts.map((a) => [a.number, a.status, a.httpStatus])).toEqual([
      [1, "error", 503],
      [2, "ok", null],
    ]);
  });

  it("re-runs a turn whose worker was killed mid-turn, and answers it once", async () => {
    // The killed worker talks to a slow simulator, so the kill lands between a partial and the picture.
    slowSim = await startSimulator({ port: 0, latency: { firstPartialMs: 100, betweenPartialsMs: 1500, finalMs: 1500, textDeltaMs: 5 } });
    await local?.stop(0);
    local = null;
    {
      child = spawnWorker(studio, { SIMULATOR_URL: slowSim.url });
      const id = await conversation();
      const { turnId } = await sendMessage(owner, id, message("draw a windmill, killed mid-turn"));
      await waitForPartial(turnId);
      child.kill("SIGKILL");
      await exited(child);
      expect((await db().generation.findUniqueOrThrow({ where: { id: turnId } })).status).toBe("running");

      local = await startWorker({ log: () => undefined });
      const turn = await waitForEnd(turnId, 30_000);
      expect(turn).toMatchObject({ status: "done", runCount: 2 });
      expect(turnRequests(slowSim, "windmill")).toHaveLength(1);
      expect(turnRequests(studio.sim, "windmill")).toHaveLength(1);
      const messages = (await eventsOf(turnId)).filter((e) => e.type === "status").map((e) => (e.data as { message: string }).message);
      expect(messages.some((m) => /Resuming after an interruption \(run 2\)/.test(m))).toBe(true);
      const replies = await assistantReply(id, turnId);
      expect(replies).toHaveLength(1);
      const [made] = await finals(turnId);
      expect(replies[0]!.images.map((i) => i.id)).toEqual([made!.id]);
      const steps = await db().attempt.findMany({ where: { generationId: turnId, step: "text" }, orderBy: { number: "asc" } });
      expect(steps.map((a) => [a.number, a.status])).toEqual([
        [1, "running"], // the killed request, kept as it was left
        [2, "ok"],
      ]);
    }
  });
});

/** The sha256 of a stored picture as a turn resends it: shrunk to the edge, as the reader does. */
async function shrunkSha256(sha256: string): Promise<string> {
  const bytes = await sharp(await blobStore().read(sha256)).resize(EDGE, EDGE, { fit: "inside" }).png().toBuffer();
  return createHash("sha256").update(bytes).digest("hex");
}

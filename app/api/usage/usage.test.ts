import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { startWorker } from "@/lib/jobs/worker";
import { closeStudio, openStudio, scriptFaults, waitForEnd, wipeDatabase, type Studio } from "@/test/harness";
import * as usage from "./route";
import * as estimate from "../estimate/route";
import * as generations from "../generations/route";

/** The usage ledger, budgets and the estimate, over a real database, simulator and worker. */
let studio: Studio;

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
});
afterAll(async () => closeStudio(studio));

const params = { params: Promise.resolve({}) };
const getUsage = (query: string) => usage.GET(new Request(`http://studio.test/api/usage?${query}`), params);
const getEstimate = (query: string) => estimate.GET(new Request(`http://studio.test/api/estimate?${query}`), params);
const post = (body: unknown) =>
  generations.POST(new Request("http://studio.test/api/generations", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), params);

function setting(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  resetEnvCache();
}

type Row = { key: string; label: string; requests: number; images: number; inputTokens: number; outputTokens: number; costUsd: number };
type Totals = { from: string; to: string; group: string; rows: Row[]; total: Omit<Row, "key" | "label"> };

// ---- seeding: rows written straight into the tables, so the expected sums are known by hand ----

const prices = { textInputPerM: 5, cachedTextInputPerM: 1.25, imageInputPerM: 8, cachedImageInputPerM: 2, imageOutputPerM: 30, textOutputPerM: 10 };

async function seedUser(id = LOCAL_USER_ID, name = "Local user") {
  await db().user.upsert({ where: { id }, create: { id, name, isLocal: id === LOCAL_USER_ID }, update: {} });
}

type SeedAttempt = { at: string; input: number; output: number; cost: number | null; status?: string; usage?: boolean };
type SeedGen = { at: string; size?: string; quality?: string; model?: string; status?: string; latencyMs?: number; owner?: string; attempts: SeedAttempt[]; images: number };

async function seedGeneration(g: SeedGen): Promise<string> {
  const id = randomUUID();
  const ownerId = g.owner ?? LOCAL_USER_ID;
  const size = g.size ?? "1024x1024";
  const quality = g.quality ?? "low";
  const costs = g.attempts.filter((a) => a.cost !== null).map((a) => a.cost!);
  await db().generation.create({
    data: {
      id,
      ownerId,
      status: g.status ?? "done",
      prompt: "seeded",
      model: g.model ?? "gpt-image-2",
      size,
      quality,
      outputFormat: "png",
      background: "auto",
      moderation: "auto",
      n: g.images || 1,
      partialImages: 0,
      request: {},
      gatewayLabel: "seed",
      gatewayIsSimulator: true,
      latencyMs: g.latencyMs ?? null,
      costUsd: costs.length > 0 ? costs.reduce((s, c) => s + c, 0).toFixed(6) : null,
      createdAt: new Date(g.at),
    },
  });
  for (const [i, a] of g.attempts.entries()) {
    const withUsage = a.usage ?? true;
    await db().attempt.create({
      data: {
        ownerId,
        generationId: id,
        imageIndex: 0,
        number: i + 1,
        size,
        quality,
        status: a.status ?? "ok",
        usage: withUsage ? { input_tokens: a.input, output_tokens: a.output, total_tokens: a.input + a.output } : undefined,
        costUsd: a.cost === null ? null : a.cost.toFixed(6),
        prices: a.cost === null ? undefined : prices,
        startedAt: new Date(a.at),
      },
    });
  }
  for (let i = 0; i < g.images; i++) {
    await db().image.create({
      data: { ownerId, generationId: id, kind: "final", imageIndex: i, sha256: "0".repeat(64), format: "png", width: 1024, height: 1024, bytes: 1, createdAt: new Date(g.at) },
    });
  }
  return id;
}

describe("GET /api/usage", () => {
  beforeAll(async () => {
    await wipeDatabase();
    await seedUser();
    await seedUser("00000000-0000-4000-8000-0000000000ff", "Someone else");
    // Day 1: a low 1024 generation of 2 images (2 ok attempts) and a high 1536 one whose first try
    // returned usage but no image (it counts) before an ok second try.
    await seedGeneration({
      at: "2026-01-10T08:00:00Z",
      attempts: [
        { at: "2026-01-10T08:00:00Z", input: 10, output: 272, cost: 0.00821 },
        { at: "2026-01-10T08:00:01Z", input: 10, output: 272, cost: 0.00821 },
      ],
      images: 2,
    });
    await seedGeneration({
      at: "2026-01-10T23:59:00Z",
      size: "1536x1024",
      quality: "high",
      model: "gpt-image-2-2026-04-21",
      attempts: [
        { at: "2026-01-10T23:59:00Z", input: 20, output: 6240, cost: 0.1873, status: "error" },
        { at: "2026-01-10T23:59:30Z", input: 20, output: 6240, cost: 0.1873 },
      ],
      images: 1,
    });
    // Day 2: a failed low generation (one try with no usage: a request, nothing billed).
    await seedGeneration({ at: "2026-01-11T12:00:00Z", status: "failed", attempts: [{ at: "2026-01-11T12:00:00Z", input: 0, output: 0, cost: null, usage: false, status: "error" }], images: 0 });
    // Outside the period, and another owner's: neither counts.
    await seedGeneration({ at: "2026-01-12T00:00:00Z", attempts: [{ at: "2026-01-12T00:00:00Z", input: 99, output: 999, cost: 1 }], images: 1 });
    await seedGeneration({ at: "2026-01-10T09:00:00Z", owner: "00000000-0000-4000-8000-0000000000ff", attempts: [{ at: "2026-01-10T09:00:00Z", input: 5, output: 5, cost: 5 }], images: 1 });
  });

  it("totals by day equal the hand-computed sums of the rows behind them", async () => {
    const res = await getUsage("from=2026-01-10&to=2026-01-11&group=day");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Totals;
    expect(body.rows).toEqual([
      { key: "2026-01-10", label: "2026-01-10", requests: 4, images: 3, inputTokens: 60, outputTokens: 13024, costUsd: 0.39102 },
      { key: "2026-01-11", label: "2026-01-11", requests: 1, images: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ]);
    expect(body.total).toEqual({ requests: 5, images: 3, inputTokens: 60, outputTokens: 13024, costUsd: 0.39102 });
  });

  it("groups by model, size, quality and user with the same grand total", async () => {
    const by = async (group: string) => ((await (await getUsage(`from=2026-01-10&to=2026-01-11&group=${group}`)).json()) as Totals);
    const quality = await by("quality");
    expect(quality.rows.map((r) => [r.key, r.requests, r.images, r.costUsd])).toEqual([
      ["high", 2, 1, 0.3746],
      ["low", 3, 2, 0.01642],
    ]);
    const size = await by("size");
    expect(size.rows.map((r) => [r.key, r.outputTokens])).toEqual([
      ["1024x1024", 544],
      ["1536x1024", 12480],
    ]);
    const model = await by("model");
    expect(model.rows.map((r) => r.key)).toEqual(["gpt-image-2", "gpt-image-2-2026-04-21"]);
    const user = await by("user");
    expect(user.rows).toHaveLength(1);
    expect(user.rows[0]).toMatchObject({ key: LOCAL_USER_ID, label: "Local user", requests: 5 });
    for (const t of [quality, size, model, user]) expect(t.total).toEqual({ requests: 5, images: 3, inputTokens: 60, outputTokens: 13024, costUsd: 0.39102 });
  });

  it("exports the same figures as CSV with a header row (groupBy as in the ui-contract)", async () => {
    const res = await getUsage("from=2026-01-10&to=2026-01-11&groupBy=quality&format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines).toEqual([
      "group,key,label,requests,images,input_tokens,output_tokens,cost_usd",
      "quality,high,high,2,1,40,12480,0.374600",
      "quality,low,low,3,2,20,544,0.016420",
      "quality,total,Total,5,3,60,13024,0.391020",
    ]);
  });

  it.each([
    ["group=week", "group"],
    ["from=2026-13-01", "from"],
    ["to=yesterday", "to"],
    ["format=xml", "format"],
    ["from=2026-02-01&to=2026-01-01", "from"],
    ["colour=red", "colour"],
  ])("answers %s with 400 naming the field", async (query, field) => {
    const res = await getUsage(query);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; field?: string } };
    expect(error).toMatchObject({ code: "invalid_request", field });
  });
});

describe("the ledger of a real generation", () => {
  beforeEach(async () => {
    await wipeDatabase();
    await seedUser();
    setting("PRICE_IMAGE_OUTPUT_PER_M", undefined);
  });
  afterAll(() => setting("PRICE_IMAGE_OUTPUT_PER_M", undefined));

  it("prices every attempt that returned usage, image or not, and sums them into the generation", async () => {
    await scriptFaults(studio, "ledger: corrupt", ["corrupt-b64;mode=text", "ok"]);
    const res = await post({ prompt: "ledger: corrupt then fine", quality: "low", partial_images: 0 });
    const { id } = (await res.json()) as { id: string };
    const gen = await waitForEnd(id);
    expect(gen.status).toBe("done");
    const attempts = await db().attempt.findMany({ where: { generationId: id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["error", "ok"]);
    for (const a of attempts) {
      const u = a.usage as { input_tokens: number; output_tokens: number; input_tokens_details: { text_tokens: number; image_tokens: number } };
      expect(a.prices).toEqual(prices);
      expect(Number(a.costUsd)).toBeCloseTo((u.input_tokens_details.text_tokens * 5 + u.input_tokens_details.image_tokens * 8 + u.output_tokens * 30) / 1e6, 6);
    }
    expect(Number(gen.costUsd)).toBeCloseTo(Number(attempts[0]!.costUsd) + Number(attempts[1]!.costUsd), 6);
  });

  it("keeps past costs when the prices change afterwards", async () => {
    const first = (await (await post({ prompt: "ledger: before the change", quality: "low", partial_images: 0 })).json()) as { id: string };
    const before = await waitForEnd(first.id);
    const day = new Date().toISOString().slice(0, 10);
    const totalBefore = ((await (await getUsage(`from=${day}&to=${day}`)).json()) as Totals).total;
    expect(totalBefore.costUsd).toBeCloseTo(Number(before.costUsd), 6);

    setting("PRICE_IMAGE_OUTPUT_PER_M", "300");
    const totalAfter = ((await (await getUsage(`from=${day}&to=${day}`)).json()) as Totals).total;
    expect(totalAfter).toEqual(totalBefore);
    expect(Number((await db().generation.findUniqueOrThrow({ where: { id: first.id } })).costUsd)).toBe(Number(before.costUsd));

    // A new generation is priced at the new prices (a worker reads its settings as it starts), and stores them.
    await studio.worker?.stop(0);
    studio.worker = await startWorker({ log: () => undefined });
    const second = (await (await post({ prompt: "ledger: after the change", quality: "low", partial_images: 0 })).json()) as { id: string };
    const after = await waitForEnd(second.id);
    const attempt = await db().attempt.findFirstOrThrow({ where: { generationId: second.id } });
    expect((attempt.prices as { imageOutputPerM: number }).imageOutputPerM).toBe(300);
    expect(Number(after.costUsd)).toBeGreaterThan(5 * Number(before.costUsd));
  });

  it("prices each model at its own prices from PRICES_BY_MODEL", async () => {
    setting("PRICES_BY_MODEL", JSON.stringify({ "gpt-image-2-2026-04-21": { imageOutputPerM: 60, textInputPerM: 6 } }));
    try {
      await studio.worker?.stop(0);
      studio.worker = await startWorker({ log: () => undefined });
      const ids = [];
      for (const model of ["gpt-image-2", "gpt-image-2-2026-04-21"]) {
        const { id } = (await (await post({ prompt: `ledger: priced as ${model}`, model, quality: "low", partial_images: 0 })).json()) as { id: string };
        expect((await waitForEnd(id)).status).toBe("done");
        ids.push(id);
      }
      const [plain, snapshot] = await Promise.all(ids.map((generationId) => db().attempt.findFirstOrThrow({ where: { generationId } })));
      expect(plain!.prices).toEqual(prices);
      expect(snapshot!.prices).toEqual({ ...prices, imageOutputPerM: 60, textInputPerM: 6 });
      const u = snapshot!.usage as { output_tokens: number; input_tokens_details: { text_tokens: number; image_tokens: number } };
      expect(Number(snapshot!.costUsd)).toBeCloseTo((u.input_tokens_details.text_tokens * 6 + u.input_tokens_details.image_tokens * 8 + u.output_tokens * 60) / 1e6, 6);
    } finally {
      setting("PRICES_BY_MODEL", undefined);
    }
  });
});

describe("budgets", () => {
  beforeEach(async () => {
    await wipeDatabase();
    await seedUser();
    setting("BUDGET_DAILY_USD", undefined);
    setting("BUDGET_MONTHLY_USD", undefined);
  });
  afterAll(() => {
    setting("BUDGET_DAILY_USD", undefined);
    setting("BUDGET_MONTHLY_USD", undefined);
  });

  it("refuses a generation whose estimate would pass the daily budget, before anything is sent", async () => {
    setting("BUDGET_DAILY_USD", "1");
    const now = new Date().toISOString();
    await seedGeneration({ at: now, attempts: [{ at: now, input: 10, output: 1000, cost: 0.995 }], images: 1 });
    const sent = studio.sim.requests.length;
    const rows = await db().generation.count();
    // 1024x1024 high is estimated from the price table: 4160 output tokens at $30/M = $0.1248.
    const res = await post({ prompt: "budget: too dear", quality: "high", partial_images: 0 });
    expect(res.status).toBe(402);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toContain("daily budget of $1.00");
    expect(error.message).toContain("$0.9950 spent today");
    expect(error.message).toContain("$0.0050 left");
    expect(error.message).toContain("$0.1248");
    expect(studio.sim.requests.length).toBe(sent);
    expect(await db().generation.count()).toBe(rows);
  });

  it("refuses by the monthly budget too, counting earlier days of the month", async () => {
    setting("BUDGET_MONTHLY_USD", "2");
    const today = new Date();
    const earlier = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1, 0, 0, 1)).toISOString();
    await seedGeneration({ at: earlier, attempts: [{ at: earlier, input: 10, output: 1000, cost: 1.9 }], images: 1 });
    const res = await post({ prompt: "budget: month", quality: "high", partial_images: 0 });
    expect(res.status).toBe(402);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("monthly budget of $2.00");
  });

  it("accepts a generation that stays under the limit, and the estimate says what is left", async () => {
    setting("BUDGET_DAILY_USD", "1");
    const now = new Date().toISOString();
    await seedGeneration({ at: now, attempts: [{ at: now, input: 10, output: 1000, cost: 0.5 }], images: 1 });
    const res = await post({ prompt: "budget: fine", quality: "low", partial_images: 0 });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await waitForEnd(id)).status).toBe("done");
    const body = (await (await getEstimate("quality=low")).json()) as { budgets: { period: string; limitUsd: number; spentUsd: number; leftUsd: number }[] };
    expect(body.budgets).toHaveLength(1);
    expect(body.budgets[0]).toMatchObject({ period: "daily", limitUsd: 1 });
    expect(body.budgets[0]!.spentUsd).toBeGreaterThan(0.5);
    expect(body.budgets[0]!.leftUsd).toBeCloseTo(1 - body.budgets[0]!.spentUsd, 6);
  });
});

describe("GET /api/estimate", () => {
  beforeEach(async () => {
    await wipeDatabase();
    await seedUser();
  });

  it("with no history, answers from the price table and the size's output tokens", async () => {
    const res = await getEstimate("size=1536x1024&quality=high&output_format=webp&n=2&partial_images=1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    // 1536x1024 high: 1.5 x 4160 = 6240 tokens, + 100 for the partial = 6340 at $30/M = $0.1902 an image.
    expect(body).toMatchObject({ source: "price_table", basedOn: 0, costPerImageUsd: 0.1902, costUsd: 0.3804, latencyP50Ms: null, latencyP90Ms: null });
  });

  it("with history, answers the median and 90th percentile latency and mean cost per image of done generations of that size and quality", async () => {
    const at = "2026-01-10T08:00:00Z";
    // Ten done 1024x1024 low generations, latencies 1000..10000 ms; one has 2 images.
    for (let i = 1; i <= 10; i++) {
      await seedGeneration({ at, latencyMs: i * 1000, attempts: [{ at, input: 1, output: 1, cost: i === 10 ? 0.04 : 0.01 }], images: i === 10 ? 2 : 1 });
    }
    // Not counted: another quality, another size, a failed one.
    await seedGeneration({ at, quality: "high", latencyMs: 99_000, attempts: [{ at, input: 1, output: 1, cost: 9 }], images: 1 });
    await seedGeneration({ at, size: "1536x1024", latencyMs: 99_000, attempts: [{ at, input: 1, output: 1, cost: 9 }], images: 1 });
    await seedGeneration({ at, status: "failed", latencyMs: 99_000, attempts: [{ at, input: 1, output: 1, cost: 9 }], images: 0 });
    const body = (await (await getEstimate("size=1024x1024&quality=low&n=3")).json()) as Record<string, unknown>;
    // Costs 9 x 0.01 + 0.04 = 0.13 over 11 images; p50 of 1..10 s is 5.5 s, p90 is 9.1 s (linear).
    expect(body).toMatchObject({ source: "history", basedOn: 10, latencyP50Ms: 5500, latencyP90Ms: 9100 });
    expect(body.costPerImageUsd).toBeCloseTo(0.13 / 11, 6);
    expect(body.costUsd).toBeCloseTo((0.13 / 11) * 3, 5);
  });

  it.each([
    ["size=banana", "size"],
    ["quality=ultra", "quality"],
    ["output_format=gif", "output_format"],
    ["n=0", "n"],
    ["partial_images=9", "partial_images"],
  ])("answers %s with 400 naming the field", async (query, field) => {
    const res = await getEstimate(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field?: string } }).error.field).toBe(field);
  });
});

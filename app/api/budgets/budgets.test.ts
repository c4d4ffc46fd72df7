import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { saveBudgets as saveBudgetsAction } from "@/app/usage/actions";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { saveBudgets, savedBudgets } from "@/lib/db/budgets";
import { db } from "@/lib/db/client";
import { env, resetEnvCache } from "@/lib/env";
import { budgetStatus, enforceBudgets } from "@/lib/generations/budget";
import { closeStudio, openStudio, waitForEnd, wipeDatabase, type Studio } from "@/test/harness";
import * as budgets from "./route";
import * as generations from "../generations/route";

/** Budgets saved per user over the settings' defaults, over a real database, simulator and worker. */
let studio: Studio;
const OTHER_USER = "00000000-0000-4000-8000-0000000000ff";

beforeAll(async () => {
  studio = await openStudio({ latency: { firstPartialMs: 10, betweenPartialsMs: 10, finalMs: 10 } });
});
afterAll(async () => {
  setting("BUDGET_DAILY_USD", undefined);
  setting("BUDGET_MONTHLY_USD", undefined);
  await closeStudio(studio);
});

beforeEach(async () => {
  await wipeDatabase();
  for (const [id, name] of [[LOCAL_USER_ID, "Local user"], [OTHER_USER, "Someone else"]] as const) {
    await db().user.create({ data: { id, name, isLocal: id === LOCAL_USER_ID } });
  }
  setting("BUDGET_DAILY_USD", undefined);
  setting("BUDGET_MONTHLY_USD", undefined);
});

function setting(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  resetEnvCache();
}

const params = { params: Promise.resolve({}) };
const getBudgets = () => budgets.GET(new Request("http://studio.test/api/budgets"), params);
const putBudgets = (body: unknown) =>
  budgets.PUT(new Request("http://studio.test/api/budgets", { method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), params);
const post = (body: unknown) =>
  generations.POST(new Request("http://studio.test/api/generations", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), params);

type Side = { limitUsd: number | null; spentUsd: number; leftUsd: number | null };
type Overview = { daily: Side; monthly: Side; source: "saved" | "settings" };
type ErrorBody = { error: { code: string; message: string; field?: string } };

/** One generation with one priced attempt at `at`: what a budget's period counts. */
async function spend(at: Date, costUsd: number, ownerId = LOCAL_USER_ID) {
  const id = randomUUID();
  await db().generation.create({
    data: {
      id, ownerId, status: "done", prompt: "seeded", model: "gpt-image-2", size: "1024x1024", quality: "low", outputFormat: "png",
      background: "auto", moderation: "auto", n: 1, partialImages: 0, request: {}, gatewayLabel: "seed", gatewayIsSimulator: true,
      costUsd: costUsd.toFixed(6), createdAt: at,
    },
  });
  await db().attempt.create({
    data: { ownerId, generationId: id, imageIndex: 0, number: 1, size: "1024x1024", quality: "low", status: "ok", costUsd: costUsd.toFixed(6), startedAt: at },
  });
}

// 1024x1024 high is estimated from the price table at $0.1248 (4160 output tokens at $30/M).
const dear = { prompt: "budget: dear", quality: "high", partial_images: 0 };

describe("GET /api/budgets", () => {
  it("reports the settings' limits until budgets are saved, with spent and left equal to hand-computed sums", async () => {
    setting("BUDGET_DAILY_USD", "5");
    setting("BUDGET_MONTHLY_USD", "20");
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 0, 1));
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0, 12));
    const seeded = [
      { at: now, cost: 0.42 },
      { at: new Date(now.getTime() - 1000), cost: 0.0825 },
      { at: monthStart, cost: 1.25 },
      { at: lastMonth, cost: 3 },
    ];
    for (const s of seeded) await spend(s.at, s.cost);
    await spend(now, 7, OTHER_USER); // someone else's: never counted
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const today = seeded.filter((s) => s.at.getTime() >= dayStart).reduce((t, s) => t + s.cost, 0); // 0.5025, or 1.7525 on the 1st
    const month = 0.42 + 0.0825 + 1.25;

    const res = await getBudgets();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Overview;
    expect(body.source).toBe("settings");
    expect(body.daily.limitUsd).toBe(5);
    expect(body.daily.spentUsd).toBeCloseTo(today, 6);
    expect(body.daily.leftUsd).toBeCloseTo(5 - today, 6);
    expect(body.monthly.limitUsd).toBe(20);
    expect(body.monthly.spentUsd).toBeCloseTo(month, 6);
    expect(body.monthly.leftUsd).toBeCloseTo(20 - month, 6);
  });

  it("reports no limit (null left) when neither the settings nor the person set one, and still what is spent", async () => {
    await spend(new Date(), 0.25);
    const body = (await (await getBudgets()).json()) as Overview;
    expect(body).toEqual({ daily: { limitUsd: null, spentUsd: 0.25, leftUsd: null }, monthly: { limitUsd: null, spentUsd: 0.25, leftUsd: null }, source: "settings" });
  });
});

describe("saved budgets", () => {
  it("override the settings' limits, and PUT answers the same shape as GET", async () => {
    setting("BUDGET_DAILY_USD", "5");
    setting("BUDGET_MONTHLY_USD", "20");
    await spend(new Date(), 0.42);
    const res = await putBudgets({ dailyUsd: 1.5, monthlyUsd: 12.3456 });
    expect(res.status).toBe(200);
    const put = (await res.json()) as Overview;
    expect(put).toEqual({ daily: { limitUsd: 1.5, spentUsd: 0.42, leftUsd: 1.08 }, monthly: { limitUsd: 12.3456, spentUsd: 0.42, leftUsd: 11.9256 }, source: "saved" });
    expect((await (await getBudgets()).json()) as Overview).toEqual(put);
    expect(await budgetStatus(LOCAL_USER_ID, env())).toMatchObject([
      { period: "daily", limitUsd: 1.5 },
      { period: "monthly", limitUsd: 12.3456 },
    ]);
  });

  it("refuse a generation by the saved limit, not the settings' (402 budget_exceeded, nothing sent)", async () => {
    setting("BUDGET_DAILY_USD", "100");
    await spend(new Date(), 0.45);
    await saveBudgets(LOCAL_USER_ID, { dailyUsd: 0.5, monthlyUsd: null });
    const sent = studio.sim.requests.length;
    const res = await post(dear);
    expect(res.status).toBe(402);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("budget_exceeded");
    expect(error.message).toContain("daily budget of $0.5000");
    expect(error.message).toContain("$0.4500 spent today");
    expect(error.message).toContain("$0.0500 left");
    expect(studio.sim.requests.length).toBe(sent);
    expect(await db().generation.count({ where: { prompt: dear.prompt } })).toBe(0);
  });

  it("a saved higher limit lets through what the settings' limit refuses", async () => {
    setting("BUDGET_DAILY_USD", "1");
    await spend(new Date(), 0.995);
    expect((await post(dear)).status).toBe(402);
    await putBudgets({ dailyUsd: 10, monthlyUsd: null });
    const res = await post(dear);
    expect(res.status).toBe(202);
    expect((await waitForEnd(((await res.json()) as { id: string }).id)).status).toBe("done");
  });

  it("a saved 'no limit' overrides a limit from the settings", async () => {
    setting("BUDGET_DAILY_USD", "1");
    setting("BUDGET_MONTHLY_USD", "1");
    await spend(new Date(), 0.995);
    const put = (await (await putBudgets({ dailyUsd: null, monthlyUsd: null })).json()) as Overview;
    expect(put).toMatchObject({ daily: { limitUsd: null, leftUsd: null }, monthly: { limitUsd: null, leftUsd: null }, source: "saved" });
    expect(await budgetStatus(LOCAL_USER_ID, env())).toEqual([]);
    const res = await post(dear);
    expect(res.status).toBe(202);
    await waitForEnd(((await res.json()) as { id: string }).id);
  });

  it("feed budgetStatus + enforceBudgets with the saved limit and what is spent", async () => {
    setting("BUDGET_MONTHLY_USD", "1000");
    await spend(new Date(), 1.2);
    await saveBudgets(LOCAL_USER_ID, { dailyUsd: null, monthlyUsd: 2 });
    const status = await budgetStatus(LOCAL_USER_ID, env());
    expect(status).toMatchObject([{ period: "monthly", limitUsd: 2, spentUsd: 1.2, leftUsd: 0.8 }]);
    expect(() => enforceBudgets(status, 0.79)).not.toThrow();
    expect(() => enforceBudgets(status, 0.81)).toThrow(/monthly budget of \$2\.00: \$1\.20 spent this month \(UTC\), \$0\.8000 left/);
  });

  it("belong to their owner only", async () => {
    setting("BUDGET_DAILY_USD", "5");
    await saveBudgets(OTHER_USER, { dailyUsd: 0.01, monthlyUsd: 0.01 });
    expect(await savedBudgets(LOCAL_USER_ID)).toBeNull();
    expect((await (await getBudgets()).json()) as Overview).toMatchObject({ daily: { limitUsd: 5 }, source: "settings" });
    expect(await savedBudgets(OTHER_USER)).toMatchObject({ dailyUsd: 0.01, monthlyUsd: 0.01 });
  });
});

describe("bad budgets", () => {
  it.each([
    [{ dailyUsd: -1, monthlyUsd: 5 }, "dailyUsd", "Daily budget must be 0 or more"],
    [{ dailyUsd: 5, monthlyUsd: 1.23456 }, "monthlyUsd", "Monthly budget can have at most 4 decimals"],
    [{ dailyUsd: 1_000_001, monthlyUsd: null }, "dailyUsd", "Daily budget must be at most $1,000,000"],
    [{ dailyUsd: "lots", monthlyUsd: null }, "dailyUsd", "Daily budget must be a number"],
    [{ dailyUsd: true, monthlyUsd: null }, "dailyUsd", "Daily budget must be a number"],
    [{ dailyUsd: 5 }, "monthlyUsd", "Monthly budget must be a number"],
    [{ dailyUsd: 5, monthlyUsd: 5, weeklyUsd: 1 }, "weeklyUsd", "Unknown field: weeklyUsd"],
  ])("PUT %j is a 422 naming the field, and nothing is saved", async (body, field, message) => {
    setting("BUDGET_DAILY_USD", "5");
    const res = await putBudgets(body);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "invalid_request", field });
    expect(error.message).toContain(message);
    expect(await savedBudgets(LOCAL_USER_ID)).toBeNull();
    expect((await (await getBudgets()).json()) as Overview).toMatchObject({ daily: { limitUsd: 5 }, source: "settings" });
  });

  it("PUT of something that is not JSON is a 4xx", async () => {
    const res = await budgets.PUT(new Request("http://studio.test/api/budgets", { method: "PUT", body: "daily=5", headers: { "content-type": "text/plain" } }), params);
    expect(res.status).toBe(415);
  });
});

describe("the saveBudgets action", () => {
  const form = (daily: string, monthly: string) => {
    const data = new FormData();
    data.set("daily", daily);
    data.set("monthly", monthly);
    return data;
  };

  it("saves a form's values (empty: no limit) and answers the new status", async () => {
    setting("BUDGET_DAILY_USD", "5");
    await spend(new Date(), 0.42);
    const result = await saveBudgetsAction(form("", " 12.5 "));
    expect(result).toMatchObject({ ok: true, values: { daily: "", monthly: "12.5" } });
    if (!result.ok) throw new Error("not saved");
    expect(result.overview).toEqual({ daily: { limitUsd: null, spentUsd: 0.42, leftUsd: null }, monthly: { limitUsd: 12.5, spentUsd: 0.42, leftUsd: 12.08 }, source: "saved" });
    expect(await savedBudgets(LOCAL_USER_ID)).toMatchObject({ dailyUsd: null, monthlyUsd: 12.5 });
  });

  it("takes {daily, monthly} as numbers too", async () => {
    const result = await saveBudgetsAction({ daily: 3, monthly: 30 });
    expect(result.ok).toBe(true);
    expect(await savedBudgets(LOCAL_USER_ID)).toMatchObject({ dailyUsd: 3, monthlyUsd: 30 });
  });

  it("names every bad field, keeps the values as typed, and saves nothing when either is bad", async () => {
    const one = await saveBudgetsAction(form("5", "abc"));
    expect(one).toMatchObject({ ok: false, values: { daily: "5", monthly: "abc" }, error: { code: "invalid_request", field: "monthly" } });
    if (one.ok) throw new Error("saved");
    expect(one.fieldErrors.daily).toBeUndefined();
    expect(one.fieldErrors.monthly).toMatch(/^Monthly budget must be a number/);

    const both = await saveBudgetsAction(form("-2", "0.00001"));
    if (both.ok) throw new Error("saved");
    expect(both.fieldErrors).toEqual({ daily: "Daily budget must be 0 or more", monthly: "Monthly budget can have at most 4 decimals" });

    // An action is a public endpoint: garbage is named, never a crash.
    const garbage = await saveBudgetsAction(null as never);
    if (garbage.ok) throw new Error("saved");
    expect(Object.keys(garbage.fieldErrors).sort()).toEqual(["daily", "monthly"]);
    expect(await savedBudgets(LOCAL_USER_ID)).toBeNull();
  });
});

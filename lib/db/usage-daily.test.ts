import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { spentSince, usageTotals, USAGE_GROUPS } from "@/lib/db/usage";
import { closeStudio, openStudio, type Studio } from "@/test/harness";

/**
 * usage_daily (migration 20261204000001_usage_daily) is kept by triggers; the ledger's own rows
 * stay the truth. After attempts open and close (some twice, some never priced, tokens malformed),
 * images land, generations are deleted, and many writers close attempts at once, every grouping
 * read from the rollup equals the same totals computed straight from the rows.
 */
const owner = randomUUID();
const other = randomUUID();

let studio: Studio;

beforeAll(async () => {
  studio = await openStudio({ worker: false });
  for (const [id, name] of [[owner, "Ada"], [other, "Grace"]] as const) await sqlRows(Prisma.sql`INSERT INTO users (id, name) VALUES (${id}::uuid, ${name})`);
});
afterAll(async () => closeStudio(studio));

async function generation(ownerId: string, at: string, model: string, size: string, quality: string): Promise<string> {
  const id = randomUUID();
  await sqlRows(Prisma.sql`
    INSERT INTO generations (id, owner_id, status, prompt, model, size, quality, output_format, background, moderation, n, partial_images, request, gateway_label, gateway_is_simulator, created_at)
    VALUES (${id}::uuid, ${ownerId}::uuid, 'done', 'p', ${model}, ${size}, ${quality}, 'png', 'auto', 'auto', 1, 0, '{}', 't', true, ${at}::timestamptz)`);
  return id;
}

/** `model`: the attempt's own (an agent turn's text model, or its image tool's); null, the generation's. */
async function attempt(generationId: string, ownerId: string, at: string, number: number, model: string | null = null): Promise<string> {
  const [row] = await sqlRows<{ id: string }>(Prisma.sql`
    INSERT INTO attempts (id, owner_id, generation_id, image_index, number, size, quality, started_at, model)
    VALUES (gen_random_uuid(), ${ownerId}::uuid, ${generationId}::uuid, 0, ${number}, '1024x1024', 'low', ${at}::timestamptz, ${model}) RETURNING id::text`);
  return row!.id;
}

const close = (id: string, usage: unknown, cost: string | null) =>
  sqlRows(Prisma.sql`UPDATE attempts SET status = 'done', usage = ${JSON.stringify(usage)}::jsonb, cost_usd = ${cost}::numeric WHERE id = ${id}::uuid`);

const image = (generationId: string, ownerId: string, at: string, kind = "final", index = 0) =>
  sqlRows(Prisma.sql`
    INSERT INTO images (id, owner_id, generation_id, kind, image_index, partial_index, sha256, format, width, height, bytes, created_at)
    VALUES (gen_random_uuid(), ${ownerId}::uuid, ${generationId}::uuid, ${kind}, ${index}, ${kind === "partial" ? 0 : null}, ${randomUUID()}, 'png', 8, 8, 10, ${at}::timestamptz)`);

/** The totals straight from the rows, as the ledger defines them. */
async function fromRows(ownerId: string, from: string, to: string, group: (typeof USAGE_GROUPS)[number]) {
  const key = { day: "to_char(t.day, 'YYYY-MM-DD')", model: "t.model", size: "t.size", quality: "t.quality", user: "t.owner_id::text" }[group];
  const tokens = (field: string) => `CASE WHEN jsonb_typeof(x.usage -> '${field}') = 'number' THEN (x.usage ->> '${field}')::numeric ELSE 0 END`;
  const rows = await sqlRows<{ key: string; requests: number; images: number; input: number; output: number; cost: number }>(Prisma.sql`
    SELECT ${Prisma.raw(key)} AS key, sum(requests)::int AS requests, sum(images)::int AS images, sum(input)::int AS input, sum(output)::int AS output, sum(cost)::float8 AS cost FROM (
      SELECT g.owner_id, (x.started_at AT TIME ZONE 'UTC')::date AS day, coalesce(x.model, g.model) AS model, g.size, g.quality, 1 AS requests, 0 AS images,
        ${Prisma.raw(tokens("input_tokens"))} AS input, ${Prisma.raw(tokens("output_tokens"))} AS output, coalesce(x.cost_usd, 0) AS cost
      FROM attempts x JOIN generations g ON g.id = x.generation_id WHERE x.owner_id = ${ownerId}::uuid
      UNION ALL
      SELECT g.owner_id, (i.created_at AT TIME ZONE 'UTC')::date, g.model, g.size, g.quality, 0, 1, 0, 0, 0
      FROM images i JOIN generations g ON g.id = i.generation_id WHERE i.owner_id = ${ownerId}::uuid AND i.kind = 'final'
    ) AS t WHERE t.day >= ${from}::date AND t.day < ${to}::date GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => ({ key: r.key, requests: r.requests, images: r.images, inputTokens: r.input, outputTokens: r.output, costUsd: r.cost }));
}

async function rollup(ownerId: string, from: string, to: string, group: (typeof USAGE_GROUPS)[number]) {
  const rows = await usageTotals(ownerId, new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`), group);
  return rows.map((r) => ({ key: r.key, requests: r.requests, images: r.images, inputTokens: r.inputTokens, outputTokens: r.outputTokens, costUsd: r.costUsd }));
}

describe("usage_daily", () => {
  it("equals the rows' own totals after opens, closes, re-closes, images, partials and deletes", async () => {
    const kept: string[] = [];
    const days = ["2026-11-29T23:59:59.500Z", "2026-11-30T00:00:00.000Z", "2026-11-30T12:00:00Z", "2026-12-01T08:00:00Z"];
    for (const [i, at] of days.entries()) {
      for (const [model, size, quality] of [["gpt-image-2", "1024x1024", "low"], ["gpt-image-2-2026-04-21", "3840x2160", "high"]] as const) {
        const g = await generation(owner, at, model, size, quality);
        kept.push(g);
        const first = await attempt(g, owner, at, 1);
        await close(first, { input_tokens: 10 + i, output_tokens: 0 }, "0.000100"); // a failure that was billed
        const second = await attempt(g, owner, at, 2);
        await close(second, { input_tokens: 20, output_tokens: 4000 + i }, "0.040000");
        await close(second, { input_tokens: 20, output_tokens: 4100 + i }, "0.041000"); // closed again: only the change counts
        await attempt(g, owner, at, 3); // opened, never priced (the worker died)
        await close(await attempt(g, owner, at, 5, "gpt-5.5"), { input_tokens: 300 + i, output_tokens: 12 }, "0.001620"); // a text model's own
        const odd = await attempt(g, owner, at, 4);
        await close(odd, { input_tokens: "lots", output_tokens: null }, null); // a gateway reply with no numbers
        // The image lands a second after its attempt: across midnight for the first day.
        await image(g, owner, new Date(Date.parse(at) + 1000).toISOString());
        await image(g, owner, at, "partial");
      }
    }
    const foreign = await generation(other, days[2]!, "gpt-image-2", "1024x1024", "low");
    await close(await attempt(foreign, other, days[2]!, 1), { input_tokens: 999, output_tokens: 999 }, "9.000000");

    // Two generations deleted: their share leaves the totals (the rows cascade away).
    for (const id of [kept[1]!, kept[4]!]) await sqlRows(Prisma.sql`DELETE FROM generations WHERE id = ${id}::uuid`);

    for (const group of USAGE_GROUPS) {
      for (const [from, to] of [["2026-11-01", "2026-12-02"], ["2026-11-30", "2026-12-01"], ["2026-12-01", "2026-12-02"]] as const) {
        const expected = await fromRows(owner, from, to, group);
        expect(expected.length, `${group} ${from}..${to} has rows to compare`).toBeGreaterThan(0);
        const actual = await rollup(owner, from, to, group);
        expect(actual.map((r) => ({ ...r, costUsd: Number(r.costUsd.toFixed(6)) }))).toEqual(expected.map((r) => ({ ...r, costUsd: Number(r.costUsd.toFixed(6)) })));
      }
    }
    // The other owner's usage is theirs alone.
    expect((await rollup(other, "2026-11-01", "2026-12-02", "user")).map((r) => r.costUsd)).toEqual([9]);
    expect(await spentSince(owner, new Date("2026-12-01T00:00:00Z"))).toBeCloseTo((await fromRows(owner, "2026-12-01", "2026-12-02", "user"))[0]!.costUsd, 6);
  });

  it("keeps exact sums when many writers close attempts of the same day at once", async () => {
    const at = "2026-10-15T10:00:00Z";
    const ids = await Promise.all(Array.from({ length: 12 }, async () => generation(owner, at, "gpt-image-2", "1024x1024", "medium")));
    const attempts = await Promise.all(ids.flatMap((g) => [1, 2, 3].map((n) => attempt(g, owner, at, n))));
    await Promise.all(attempts.map((id, i) => close(id, { input_tokens: i, output_tokens: 100 }, "0.001000")));
    await Promise.all(ids.map((g) => image(g, owner, at)));
    const [row] = await rollup(owner, "2026-10-15", "2026-10-16", "day");
    expect(row).toEqual({ key: "2026-10-15", requests: 36, images: 12, inputTokens: (35 * 36) / 2, outputTokens: 3600, costUsd: 0.036 });
  });

  it("groups an attempt that names its own model under that model, and takes it away by the same key", async () => {
    const at = "2026-08-10T10:00:00Z";
    const turn = await generation(owner, at, "gpt-image-2", "1536x1024", "medium");
    await close(await attempt(turn, owner, at, 1, "gpt-5.5"), { input_tokens: 300, output_tokens: 40 }, "0.001900");
    await close(await attempt(turn, owner, at, 2, "gpt-image-2"), { input_tokens: 20, output_tokens: 1584 }, "0.047680");
    await image(turn, owner, at);
    const other = await generation(owner, at, "gpt-image-2", "1536x1024", "medium");
    await close(await attempt(other, owner, at, 1), { input_tokens: 10, output_tokens: 1000 }, "0.030000");
    await image(other, owner, at);

    const byModel = await rollup(owner, "2026-08-10", "2026-08-11", "model");
    expect(byModel).toEqual(await fromRows(owner, "2026-08-10", "2026-08-11", "model"));
    expect(byModel).toEqual([
      { key: "gpt-5.5", requests: 1, images: 0, inputTokens: 300, outputTokens: 40, costUsd: 0.0019 },
      { key: "gpt-image-2", requests: 2, images: 2, inputTokens: 30, outputTokens: 2584, costUsd: 0.07768 },
    ]);

    await sqlRows(Prisma.sql`DELETE FROM generations WHERE id = ${turn}::uuid`);
    expect(await rollup(owner, "2026-08-10", "2026-08-11", "model")).toEqual([{ key: "gpt-image-2", requests: 1, images: 1, inputTokens: 10, outputTokens: 1000, costUsd: 0.03 }]);
    const [{ left } = { left: -1 }] = await sqlRows<{ left: number }>(Prisma.sql`SELECT count(*)::int AS left FROM usage_daily WHERE model = 'gpt-5.5' AND day = '2026-08-10'`);
    expect(left).toBe(0);
  });

  it("leaves no empty groups behind once everything of a day is deleted", async () => {
    const at = "2026-09-01T10:00:00Z";
    const g = await generation(owner, at, "gpt-image-2", "2048x2048", "auto");
    await close(await attempt(g, owner, at, 1), { input_tokens: 5, output_tokens: 5 }, "0.010000");
    await image(g, owner, at);
    expect(await rollup(owner, "2026-09-01", "2026-09-02", "size")).toHaveLength(1);
    await sqlRows(Prisma.sql`DELETE FROM generations WHERE id = ${g}::uuid`);
    expect(await rollup(owner, "2026-09-01", "2026-09-02", "size")).toEqual([]);
    const [{ left } = { left: -1 }] = await sqlRows<{ left: number }>(Prisma.sql`SELECT count(*)::int AS left FROM usage_daily WHERE size = '2048x2048'`);
    expect(left).toBe(0);
  });
});

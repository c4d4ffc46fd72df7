/**
 * `npm run bench:history`: history at 100,000 generations. Seeds them in bulk into its own embedded
 * PostgreSQL (a temporary folder, removed afterwards; bench/history-seed.ts), then times the list
 * function itself (the query and its mapping, not HTTP) for the first page, a page 50 pages deep,
 * searches and filtered queries, the usage totals of a month and the estimate's query: p50 and p95
 * over repeated calls, with each list query's EXPLAIN ANALYZE. Then the thumbnails' sizes, and the
 * grid in Chromium on the production build (bench/history-scroll.ts). Targets: p95 under 50 ms,
 * thumbnails under 30 KB, p95 frame under 16.7 ms. Prints figures; it asserts nothing.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { closeDb, sqlRows } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { Prisma } from "@/lib/db/generated/client";
import { historyQuery, listGenerations } from "@/lib/db/history-list";
import { migrate } from "@/lib/db/migrate";
import { usageTotals, estimateHistory } from "@/lib/db/usage";
import { resetEnvCache } from "@/lib/env";
import { storeIn } from "@/lib/storage";
import { startStudio } from "./harness";
import { scrollBench } from "./history-scroll";
import { seedHistory, storeSamples, type Sample } from "./history-seed";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const WARMUP = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const DEPTH = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 48);
const LOADED = Number(process.env.BENCH_LOADED ?? 10_000);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

type Case = { name: string; query: string };

async function timed(run: () => Promise<number>): Promise<{ p50: number; p95: number; items: number }> {
  let items = 0;
  for (let i = 0; i < WARMUP; i++) items = await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), items };
}

const measure = (c: Case) => timed(async () => (await listGenerations(LOCAL_USER_ID, new URLSearchParams(c.query))).items.length);

function report(name: string, r: { p50: number; p95: number; items: number }, unit = "items"): string {
  return `${name.padEnd(62)} p50 ${r.p50.toFixed(2).padStart(6)} ms  p95 ${r.p95.toFixed(2).padStart(6)} ms  (${r.items} ${unit})${r.p95 < 50 ? "" : "  over the 50 ms target"}`;
}

function thumbnails(samples: Sample[]): string {
  const sizes = samples.map((s) => s.thumbBytes).sort((a, b) => a - b);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const over = sizes.filter((n) => n >= 30 * 1024).length;
  const originals = samples.reduce((t, s) => t + s.bytes, 0) / samples.length;
  return `thumbnails of ${samples.length} grained pictures (originals ${kb(originals)} on average): median ${kb(sizes[Math.floor(sizes.length / 2)]!)}, largest ${kb(sizes[sizes.length - 1]!)}; ${over} at or over the 30 KB target`;
}

async function explain(c: Case): Promise<string> {
  const { statement } = historyQuery(LOCAL_USER_ID, new URLSearchParams(c.query));
  const rows = await sqlRows<{ "QUERY PLAN": string }>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement}`);
  return rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n");
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "studio-bench-history-"));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
  const database = await startEmbeddedPostgres({ dir: path.join(dir, "pg") });
  try {
    await migrate(database.url);
    process.env.DATABASE_URL = database.url;
    const dataDir = path.join(dir, "data");
    process.env.DATA_DIR = dataDir;
    resetEnvCache();
    const seeding = performance.now();
    const samples = await storeSamples(storeIn(dataDir), SAMPLES);
    await seedHistory(ROWS, samples);
    const [{ count } = { count: 0 }] = await sqlRows<{ count: number }>(Prisma.sql`SELECT count(*)::int AS count FROM generations`);
    console.log(`seeded ${count} generations in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    let cursor: string | null = null;
    for (let i = 0; i < DEPTH; i++) cursor = (await listGenerations(LOCAL_USER_ID, new URLSearchParams(`limit=30${cursor ? `&cursor=${cursor}` : ""}`))).nextCursor;
    if (!cursor) throw new Error("the history ran out before the deep page");

    const cases: Case[] = [
      { name: "first page", query: "limit=30" },
      { name: `deep page (after ${DEPTH} pages of 30)`, query: `limit=30&cursor=${cursor}` },
      { name: "search, a common word (q=lighthouse)", query: "limit=30&q=lighthouse" },
      { name: "search, two words, capitals (q=Misty CASTLE)", query: "limit=30&q=Misty%20CASTLE" },
      { name: "search, a substring (q=ighthou)", query: "limit=30&q=ighthou" },
      { name: "search, a rare word only in revised prompts (q=zeppelin)", query: "limit=30&q=zeppelin" },
      { name: "search, some twenty rows in 100,000 (q=hindenburg)", query: "limit=30&q=hindenburg" },
      { name: "filter status=failed&quality=high", query: "limit=30&status=failed&quality=high" },
      { name: "filter favorite=true", query: "limit=30&favorite=true" },
      { name: "filter model+size+format", query: "limit=30&model=gpt-image-2-2026-04-21&size=3840x2160&format=webp" },
      { name: "filter search+status+date range", query: `limit=30&q=fox&status=done&from=${new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10)}` },
    ];
    const results: string[] = [];
    for (const c of cases) {
      const line = report(c.name, await measure(c));
      results.push(line);
      console.log(`\n${line}\n${await explain(c)}`);
    }
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    const monthAgo = new Date(tomorrow.getTime() - 31 * 86_400_000);
    for (const group of ["day", "model", "size"] as const) {
      results.push(report(`usage totals, the last 31 days by ${group}`, await timed(async () => (await usageTotals(LOCAL_USER_ID, monthAgo, tomorrow, group)).length), "groups"));
    }
    results.push(report("usage totals, this calendar month by day", await timed(async () => (await usageTotals(LOCAL_USER_ID, monthStart, tomorrow, "day")).length), "groups"));
    results.push(report("estimate (size=1024x1024, quality=high)", await timed(async () => (await estimateHistory(LOCAL_USER_ID, "1024x1024", "high")).basedOn), "based on"));
    console.log(`\nhistory, ${count} generations, ${RUNS} calls each after ${WARMUP} warm-up:\n${results.map((l) => `  ${l}`).join("\n")}`);
    console.log(`\n${thumbnails(samples)}`);

    if (LOADED === 0) return;
    // The grid in Chromium, served by the production build over this same database and blob store.
    // Queued rows would be taken by the studio's worker and fail mid-measurement (their request is empty).
    await sqlRows(Prisma.sql`UPDATE generations SET status = 'cancelled', error_code = 'cancelled', error_message = 'Cancelled.' WHERE status = 'queued'`);
    const studio = await startStudio({ DATABASE_URL: database.url, PORT: process.env.BENCH_PORT ?? "3260", SIM_PORT: process.env.BENCH_SIM_PORT ?? "4260" }, { dataDir, quiet: true });
    try {
      console.log(`\n${await scrollBench(studio.baseUrl, LOADED)}`);
    } finally {
      await studio.stop();
    }
  } finally {
    await closeDb();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

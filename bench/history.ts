/**
 * `npm run bench:history`: the history list at 100,000 generations. Seeds them in bulk into its own
 * embedded PostgreSQL (a temporary folder, removed afterwards), then times the list function itself
 * (the query and its mapping, not HTTP) for the first page, a page 50 pages deep, searches and
 * filtered queries: p50 and p95 over repeated calls, and prints each one's EXPLAIN ANALYZE. Target:
 * p95 under 50 ms. Prints figures; it asserts nothing.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { closeDb, sqlRows } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { Prisma } from "@/lib/db/generated/client";
import { historyQuery, listGenerations } from "@/lib/db/generations";
import { migrate } from "@/lib/db/migrate";
import { resetEnvCache } from "@/lib/env";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const WARMUP = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const DEPTH = 50;

const WORDS = [
  "lighthouse", "fox", "harbour", "sunset", "mountain", "forest", "portrait", "cat", "dragon", "castle", "river", "neon", "city",
  "robot", "garden", "ocean", "storm", "desert", "violin", "teapot", "bicycle", "market", "winter", "meadow", "owl", "train",
  "library", "comet", "glacier", "lantern", "cathedral", "orchard", "bridge", "festival", "submarine", "canyon", "tiger",
  "balloon", "village", "waterfall", "astronaut", "kitchen", "piano", "island", "volcano", "penguin", "carnival", "temple",
  "watercolor", "photograph", "isometric", "cinematic", "minimal", "vintage", "golden", "misty", "rainy", "cozy", "surreal", "pastel",
];

async function seed(): Promise<void> {
  await sqlRows(Prisma.sql`INSERT INTO users (id, name, is_local) VALUES (${LOCAL_USER_ID}::uuid, 'Local user', true)`);
  await sqlRows(Prisma.sql`SELECT setseed(0.42)`);
  // Ten rows share each created_at (ties the keyset must break by id); 0.3% of the revised prompts
  // hold a rare word, "zeppelin", that no prompt has, and some twenty a rarer one, "hindenburg".
  await sqlRows(Prisma.sql`
    INSERT INTO generations (id, owner_id, status, prompt, revised_prompts, model, size, quality, output_format, background, moderation,
      n, partial_images, request, gateway_label, gateway_is_simulator, favorite, created_at, error_code, error_message, lease_until,
      total_tokens, cost_usd, latency_ms)
    SELECT gen_random_uuid(), ${LOCAL_USER_ID}::uuid, s.status, s.prompt,
      CASE WHEN s.status = 'done' THEN 'A detailed image of: ' || s.prompt || CASE WHEN random() < 0.003 THEN ', a zeppelin overhead' WHEN random() < 0.0002 THEN ', a hindenburg' ELSE '' END END,
      CASE WHEN random() < 0.8 THEN 'gpt-image-2' ELSE 'gpt-image-2-2026-04-21' END,
      (ARRAY['1024x1024', '1536x1024', '1024x1536', '2048x2048', '3840x2160', 'auto'])[1 + floor(random() * 6)::int],
      (ARRAY['low', 'medium', 'high', 'auto'])[1 + floor(random() * 4)::int],
      (ARRAY['png', 'jpeg', 'webp'])[1 + floor(random() * 3)::int],
      'auto', 'auto', 1, 2, '{}'::jsonb, 'bench', true, random() < 0.02,
      date_trunc('milliseconds', now()) - (s.i / 10) * interval '3 minutes',
      CASE s.status WHEN 'failed' THEN 'moderation_blocked' WHEN 'cancelled' THEN 'cancelled' END,
      CASE s.status WHEN 'failed' THEN 'The gateway refused the prompt' WHEN 'cancelled' THEN 'Cancelled.' END,
      CASE WHEN s.status = 'running' THEN now() + interval '1 day' END,
      4000, 0.042, 30000
    FROM (
      SELECT i,
        (SELECT string_agg((${WORDS}::text[])[1 + floor(random() * ${WORDS.length})::int], ' ') FROM generate_series(1, 6 + (i % 5)) AS w(k) WHERE i > -k) AS prompt,
        CASE WHEN r < 0.85 THEN 'done' WHEN r < 0.93 THEN 'failed' WHEN r < 0.97 THEN 'cancelled' WHEN r < 0.99 THEN 'running' ELSE 'queued' END AS status
      FROM (SELECT i, random() AS r FROM generate_series(1, ${ROWS}) AS i) AS numbered
    ) AS s`);
  // One final image per finished generation: the cover each list item joins.
  await sqlRows(Prisma.sql`
    INSERT INTO images (id, owner_id, generation_id, kind, image_index, sha256, thumb_sha256, format, width, height, bytes)
    SELECT gen_random_uuid(), owner_id, id, 'final', 0, md5(id::text) || md5(prompt), md5(prompt) || md5(id::text), 'png', 1024, 1024, 1500000
    FROM generations WHERE status = 'done'`);
  await sqlRows(Prisma.sql`VACUUM ANALYZE generations`);
  await sqlRows(Prisma.sql`VACUUM ANALYZE images`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

type Case = { name: string; query: string };

async function measure(c: Case): Promise<{ p50: number; p95: number; items: number }> {
  const params = () => new URLSearchParams(c.query);
  let items = 0;
  for (let i = 0; i < WARMUP; i++) items = (await listGenerations(LOCAL_USER_ID, params())).items.length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await listGenerations(LOCAL_USER_ID, params());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), items };
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
    process.env.DATA_DIR = path.join(dir, "data");
    resetEnvCache();
    const seeding = performance.now();
    await seed();
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
      const r = await measure(c);
      const line = `${c.name.padEnd(62)} p50 ${r.p50.toFixed(2).padStart(6)} ms  p95 ${r.p95.toFixed(2).padStart(6)} ms  (${r.items} items)${r.p95 < 50 ? "" : "  over the 50 ms target"}`;
      results.push(line);
      console.log(`\n${line}\n${await explain(c)}`);
    }
    console.log(`\nhistory list, ${count} generations, ${RUNS} calls each after ${WARMUP} warm-up:\n${results.map((l) => `  ${l}`).join("\n")}`);
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

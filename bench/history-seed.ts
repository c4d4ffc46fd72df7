/**
 * The history benchmark's data: ROWS generations seeded in bulk (ten share each created_at, so the
 * keyset must break ties by id), one attempt with a cost per generation that reached the gateway,
 * and one final image per done generation. Their bytes are real: SAMPLE pictures drawn by the
 * simulator with photo-like grain, thumbnailed by the studio's own makeThumbnail and stored in the
 * blob store, shared round-robin by the rows (blobs are by sha256), so a browser can load any
 * thumbnail of the 100,000.
 */
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { makeThumbnail } from "@/lib/images/inspect";
import type { BlobStore } from "@/lib/storage";
import { addGrain, drawPicture, encodeRaster } from "../simulator/draw";

const WORDS = [
  "lighthouse", "fox", "harbour", "sunset", "mountain", "forest", "portrait", "cat", "dragon", "castle", "river", "neon", "city",
  "robot", "garden", "ocean", "storm", "desert", "violin", "teapot", "bicycle", "market", "winter", "meadow", "owl", "train",
  "library", "comet", "glacier", "lantern", "cathedral", "orchard", "bridge", "festival", "submarine", "canyon", "tiger",
  "balloon", "village", "waterfall", "astronaut", "kitchen", "piano", "island", "volcano", "penguin", "carnival", "temple",
  "watercolor", "photograph", "isometric", "cinematic", "minimal", "vintage", "golden", "misty", "rainy", "cozy", "surreal", "pastel",
];

export type Sample = { sha256: string; thumbSha256: string; bytes: number; thumbBytes: number; width: number; height: number };

const SAMPLE_SIZES = [
  [1024, 1024],
  [1536, 1024],
  [1024, 1536],
] as const;

/** Real pictures and their thumbnails, in the blob store. */
export async function storeSamples(store: BlobStore, count: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const [width, height] = SAMPLE_SIZES[i % SAMPLE_SIZES.length]!;
    const raster = addGrain(await drawPicture({ seed: `bench-${i}`, caption: WORDS.slice(i % 50, (i % 50) + 4).join(" "), width, height, transparent: false }), 6);
    const picture = await encodeRaster(raster, { format: "png", compression: 100, grained: true });
    const thumb = await makeThumbnail(picture);
    samples.push({ sha256: await store.put(picture), thumbSha256: await store.put(thumb), bytes: picture.length, thumbBytes: thumb.length, width, height });
  }
  return samples;
}

export async function seedHistory(rows: number, samples: Sample[]): Promise<void> {
  await sqlRows(Prisma.sql`INSERT INTO users (id, name, is_local) VALUES (${LOCAL_USER_ID}::uuid, 'Local user', true)`);
  await sqlRows(Prisma.sql`SELECT setseed(0.42)`);
  // 0.3% of the revised prompts hold a rare word, "zeppelin", that no prompt has, and some twenty a rarer one, "hindenburg".
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
      CASE WHEN s.status = 'done' THEN 4000 END, CASE WHEN s.status = 'done' THEN 0.042 END, CASE WHEN s.status = 'done' THEN 20000 + floor(random() * 40000)::int END
    FROM (
      SELECT i,
        (SELECT string_agg((${WORDS}::text[])[1 + floor(random() * ${WORDS.length})::int], ' ') FROM generate_series(1, 6 + (i % 5)) AS w(k) WHERE i > -k) AS prompt,
        CASE WHEN r < 0.85 THEN 'done' WHEN r < 0.93 THEN 'failed' WHEN r < 0.97 THEN 'cancelled' WHEN r < 0.99 THEN 'running' ELSE 'queued' END AS status
      FROM (SELECT i, random() AS r FROM generate_series(1, ${rows}) AS i) AS numbered
    ) AS s`);
  // One attempt per generation that reached the gateway; failed ones cost their input tokens.
  await sqlRows(Prisma.sql`
    INSERT INTO attempts (id, owner_id, generation_id, image_index, number, size, quality, status, usage, cost_usd, latency_ms, started_at, finished_at)
    SELECT gen_random_uuid(), owner_id, id, 0, 1, size, quality, CASE status WHEN 'done' THEN 'done' ELSE 'failed' END,
      jsonb_build_object('input_tokens', 40, 'output_tokens', CASE WHEN status = 'done' THEN 3960 ELSE 0 END),
      CASE WHEN status = 'done' THEN 0.042 ELSE 0.0002 END, latency_ms, created_at, created_at + interval '30 seconds'
    FROM generations WHERE status IN ('done', 'failed')`);
  const shas = samples.map((s) => s.sha256);
  const thumbs = samples.map((s) => s.thumbSha256);
  const widths = samples.map((s) => s.width);
  const heights = samples.map((s) => s.height);
  const bytes = samples.map((s) => s.bytes);
  await sqlRows(Prisma.sql`
    INSERT INTO images (id, owner_id, generation_id, kind, image_index, sha256, thumb_sha256, format, width, height, bytes, created_at)
    SELECT gen_random_uuid(), owner_id, id, 'final', 0, (${shas}::text[])[k], (${thumbs}::text[])[k], 'png',
      (${widths}::int[])[k], (${heights}::int[])[k], (${bytes}::int[])[k], created_at + interval '30 seconds'
    FROM (SELECT owner_id, id, created_at, 1 + (row_number() OVER () % ${samples.length})::int AS k FROM generations WHERE status = 'done') AS g`);
  for (const table of ["generations", "attempts", "images"]) await sqlRows(Prisma.sql`VACUUM ANALYZE ${Prisma.raw(table)}`);
}

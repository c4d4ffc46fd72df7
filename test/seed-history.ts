import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { LOCAL_USER_ID } from "@/lib/auth/current-user";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { blobStore } from "@/lib/storage";

/**
 * History rows seeded straight into the tables, their images real pictures in the blob store, for
 * tests of what history does with them (archives, downloads, bulk actions).
 */
export const OTHER_OWNER = "00000000-0000-4000-8000-0000000000ff";

export async function ensureOwners(): Promise<void> {
  await db().$executeRaw`INSERT INTO users (id, name, is_local) VALUES (${LOCAL_USER_ID}::uuid, 'Local user', true), (${OTHER_OWNER}::uuid, 'Someone else', false) ON CONFLICT DO NOTHING`;
}

/** A small picture of noise: real bytes of the format, different every call. */
export async function picture(format: "png" | "jpeg" | "webp" = "png", side = 64): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } } }).toFormat(format).toBuffer();
}

export type SeedImage = { bytes?: Buffer; sha256?: string; kind?: "final" | "partial"; partialIndex?: number; width?: number; height?: number };
export type SeedGeneration = {
  ownerId?: string;
  prompt?: string;
  status?: string;
  format?: "png" | "jpeg" | "webp";
  createdAt?: Date;
  n?: number;
  images?: SeedImage[];
};
export type Seeded = { id: string; images: { id: string; kind: "final" | "partial"; sha256: string; bytes: number; imageIndex: number }[] };

/** A generation with its images (by default one final picture); a running one holds a lease no worker takes. */
export async function seedGeneration(g: SeedGeneration = {}): Promise<Seeded> {
  await ensureOwners();
  const id = randomUUID();
  const ownerId = g.ownerId ?? LOCAL_USER_ID;
  const status = g.status ?? "done";
  const format = g.format ?? "png";
  const specs = g.images ?? [{}];
  const n = g.n ?? Math.max(1, specs.filter((s) => (s.kind ?? "final") === "final").length);
  await db().$executeRaw`
    INSERT INTO generations (id, owner_id, status, prompt, model, size, quality, output_format, output_compression, background, moderation, n,
      partial_images, request, gateway_label, gateway_is_simulator, created_at, total_tokens, cost_usd, latency_ms, lease_until)
    VALUES (${id}::uuid, ${ownerId}::uuid, ${status}, ${g.prompt ?? "a seeded picture"}, 'gpt-image-2', '1024x1024', 'low', ${format},
      ${format === "png" ? null : 80}::int, 'auto', 'auto', ${n}, 1, '{}'::jsonb, 'test', true, ${g.createdAt ?? new Date()}::timestamptz, 272, 0.011, 900,
      ${status === "running" ? Prisma.sql`now() + interval '1 hour'` : Prisma.sql`NULL`})`;
  const images: Seeded["images"] = [];
  let finalIndex = 0;
  for (const spec of specs) {
    const kind = spec.kind ?? "final";
    const bytes = spec.bytes ?? (await picture(format));
    const sha256 = spec.sha256 ?? (await blobStore().put(bytes));
    const imageIndex = kind === "final" ? finalIndex++ : 0;
    const imageId = randomUUID();
    await db().$executeRaw`
      INSERT INTO images (id, owner_id, generation_id, kind, image_index, partial_index, sha256, format, width, height, bytes, echoed_size, echoed_quality, revised_prompt)
      VALUES (${imageId}::uuid, ${ownerId}::uuid, ${id}::uuid, ${kind}, ${imageIndex}, ${kind === "partial" ? (spec.partialIndex ?? 0) : null}::int, ${sha256}, ${format},
        ${spec.width ?? 64}, ${spec.height ?? 64}, ${bytes.length}, '1024x1024', 'low', ${kind === "final" ? `revised ${imageIndex}` : null})`;
    images.push({ id: imageId, kind, sha256, bytes: bytes.length, imageIndex });
  }
  return { id, images };
}

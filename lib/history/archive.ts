import "server-only";
import { z } from "zod";
import { archiveRows, type ArchiveGeneration } from "@/lib/db/archive";
import { ApiError, validate } from "@/lib/errors";
import { downloadName } from "@/lib/history/file-name";
import { idsField } from "@/lib/history/ids";
import type { ZipEntry } from "@/lib/history/zip-stream";
import { readJson, readLimited } from "@/lib/http/route";
import { blobStore } from "@/lib/storage";

/** What a ZIP of history holds: generations given, the files it streams, and metadata.json. */

const archiveBody = z.strictObject(
  { ids: idsField },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : 'The body must be a JSON object such as {"ids": ["…"]}') },
);

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The ids of a ZIP request: a plain HTML form post (repeated `ids` fields, so the browser saves the
 * download itself) or JSON `{ids}`. Any other body type is a 415 naming the two it takes.
 */
export async function readArchiveIds(request: Request): Promise<string[]> {
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/json\b/i.test(type)) return validate(archiveBody, await readJson(request, MAX_BODY_BYTES)).ids;
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", `Send the ids as application/x-www-form-urlencoded or application/json (got ${type || "no content type"})`);
  }
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) throw new ApiError(413, "body_too_large", `The body is larger than ${MAX_BODY_BYTES / 1024} KB`);
  const form = new URLSearchParams(await readLimited(request, MAX_BODY_BYTES));
  const fields: Record<string, string[]> = {};
  for (const [key, value] of form) (fields[key] ??= []).push(value);
  return validate(archiveBody, fields).ids;
}

export type Skipped = { id: string; reason: "not_found" | "no_final_image" | "file_missing"; imageId?: string };
export type ArchivePlan = { files: ZipEntry[]; metadata: Buffer; skipped: Skipped[] };

/**
 * The archive of the owner's generations among `ids`, in the order given. Ids they have no
 * generation for, generations without a final image, and an image whose file is gone are left out
 * and named in metadata.json's `skipped`: one missing file must not cost the person the rest.
 */
export async function planArchive(ownerId: string, ids: string[], now = new Date()): Promise<ArchivePlan> {
  const rows = new Map((await archiveRows(ownerId, ids)).map((row) => [row.id, row]));
  const store = blobStore();
  const names = new Set<string>();
  const files: ZipEntry[] = [];
  const skipped: Skipped[] = [];
  const generations = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) skipped.push({ id, reason: "not_found" });
    else if (row.images.length === 0) skipped.push({ id, reason: "no_final_image" });
    else {
      const images = [];
      for (const image of row.images) {
        if (!(await store.exists(image.sha256))) {
          skipped.push({ id, reason: "file_missing", imageId: image.imageId });
          continue;
        }
        const name = unique(names, downloadName({ createdAt: row.createdAt, prompt: row.prompt, imageIndex: image.imageIndex, count: row.n, format: image.format }));
        files.push({ name, sha256: image.sha256, mtime: row.createdAt });
        images.push({ file: name, ...image });
      }
      if (images.length > 0) generations.push(describe(row, images));
    }
  }
  const metadata = { createdAt: now.toISOString(), count: files.length, generations, skipped };
  return { files, metadata: Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`), skipped };
}

/** A generation as metadata.json lists it: what was asked, what it cost, and its files. */
function describe(g: ArchiveGeneration, images: unknown[]) {
  return {
    id: g.id,
    prompt: g.prompt,
    revisedPrompts: g.images.map((image) => image.revisedPrompt),
    model: g.model,
    size: g.size,
    quality: g.quality,
    outputFormat: g.outputFormat,
    outputCompression: g.outputCompression,
    background: g.background,
    moderation: g.moderation,
    n: g.n,
    partialImages: g.partialImages,
    status: g.status,
    costUsd: g.costUsd,
    totalTokens: g.totalTokens,
    latencyMs: g.latencyMs,
    createdAt: g.createdAt.toISOString(),
    images,
  };
}

/** The name, or `name (2).ext` and on when an entry of the archive has it already. */
function unique(taken: Set<string>, name: string): string {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  let candidate = name;
  for (let k = 2; taken.has(candidate); k++) candidate = `${stem} (${k})${ext}`;
  taken.add(candidate);
  return candidate;
}

/** `image-studio-2026-12-01.zip`, the day the archive was made (UTC). */
export const archiveName = (now = new Date()) => `image-studio-${now.toISOString().slice(0, 10)}.zip`;

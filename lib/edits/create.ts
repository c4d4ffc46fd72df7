import "server-only";
import { randomUUID } from "node:crypto";
import { ownedInputImages, type StoredInput } from "@/lib/db/edits";
import type { NewInputImage } from "@/lib/db/generation-queue";
import { readEditForm, type ImagePart } from "@/lib/edits/form";
import { env } from "@/lib/env";
import { ApiError, notFound } from "@/lib/errors";
import { budgetStatus, enforceBudgets } from "@/lib/generations/budget";
import { estimateFor } from "@/lib/generations/estimate";
import { checkEditRequest } from "@/lib/generations/request-schema";
import { localRunner } from "@/lib/jobs/local-runner";
import type { EditInputs } from "@/lib/jobs/payload";
import { enqueueJob } from "@/lib/jobs/queue";
import { checkUpload, type CheckedUpload } from "@/lib/uploads/check-image";
import { prepareEdit } from "@/lib/uploads/prepare-edit";
import { blobStore } from "@/lib/storage";

/**
 * Validates and queues an edit for an owner: the one path behind `POST /api/edits` and any server
 * action. Cheapest checks first: the fields, the history images named (the owner's, or 404), the
 * budgets; then every file by its content (lib/uploads) and the edit's preparation. Only then are
 * the inputs stored and the job queued (same queue, kind `edit`), so a refused edit leaves no
 * generation and sends nothing upstream.
 */
export async function startEdit(ownerId: string, form: FormData): Promise<{ id: string }> {
  const settings = env();
  const parts = readEditForm(form);
  const check = checkEditRequest(parts.fields, { allowTransparent: settings.ALLOW_TRANSPARENT_BACKGROUND });
  if (!check.ok) throw new ApiError(422, check.code, check.message, check.field);
  const request = check.request;

  const history = await historyImages(ownerId, parts.images);
  const budgets = await budgetStatus(ownerId, settings);
  // The estimate is a generation's of the same size and quality: an edit's input images add their tokens on top.
  if (budgets.length > 0) enforceBudgets(budgets, (await estimateFor(ownerId, request, settings)).costUsd);

  const images: CheckedUpload[] = [];
  // One file at a time: sixteen 50 MB files decoded at once would hold them all in memory together.
  for (const [index, part] of parts.images.entries()) images.push(await checkedImage(part, index === 0 ? "image" : "reference", history));
  const mask = parts.mask ? await checkUpload(await bytesOf(parts.mask), parts.mask.name || "mask", "mask") : undefined;
  const prepared = await prepareEdit(mask ? { images, mask } : { images });

  const store = blobStore();
  const stored = await Promise.all(prepared.images.map(async (image) => ({ image, sha256: await store.put(image.bytes) })));
  const storedMask = prepared.mask ? { image: prepared.mask, sha256: await store.put(prepared.mask.bytes) } : null;

  const source = parts.images[0]?.from === "history" && parts.images[0].field === "source_image_id" ? parts.images[0].id : null;
  // Protecting the unmasked area means nothing without a mask: the row says what was done.
  const protect = parts.protect && storedMask !== null;
  const inputs: EditInputs = {
    images: stored.map(({ image, sha256 }) => ({ sha256, format: image.format, width: image.width, height: image.height })),
    ...(storedMask ? { mask: { sha256: storedMask.sha256, width: storedMask.image.width, height: storedMask.image.height } } : {}),
    protect,
    sourceImageId: source,
    referenceImageIds: parts.images.slice(1).flatMap((part) => (part.from === "history" ? [part.id] : [])),
  };
  const rows: NewInputImage[] = [
    ...stored.map(({ image, sha256 }, index) => inputRow(index === 0 ? "source" : "reference", index, sha256, image)),
    ...(storedMask ? [inputRow("mask", 0, storedMask.sha256, storedMask.image)] : []),
  ];
  return enqueueJob(ownerId, { kind: "edit", request, inputs, notices: prepared.notices }, settings.gateway, localRunner(), { edit: { sourceImageId: source, protect, inputs: rows } });
}

/** The history images the form names, each the owner's (404 naming the field otherwise) and a picture to edit. */
async function historyImages(ownerId: string, parts: ImagePart[]): Promise<Map<string, StoredInput>> {
  const named = parts.flatMap((part) => (part.from === "history" ? [part] : []));
  const found = await ownedInputImages(
    ownerId,
    named.map((part) => part.id),
  );
  for (const part of named) {
    const image = found.get(part.id);
    if (!image) throw notFound(`${part.field} ${part.id}`, part.field);
    if (image.kind === "partial" || image.kind === "mask") {
      throw new ApiError(422, "invalid_request", `${part.field} ${part.id} is ${image.kind === "mask" ? "an edit's mask" : "a partial preview"}, not a picture to edit`, part.field);
    }
  }
  return found;
}

async function checkedImage(part: ImagePart, role: "image" | "reference", history: Map<string, StoredInput>): Promise<CheckedUpload> {
  if (part.from === "upload") return checkUpload(await bytesOf(part.file), part.file.name || `image[] ${part.position}`, role);
  const image = history.get(part.id)!;
  // Stored pictures are checked like uploads: what is sent upstream is always known to decode.
  return checkUpload(await blobStore().read(image.sha256), `${part.field} ${part.id}`, role);
}

async function bytesOf(file: File): Promise<Buffer> {
  return Buffer.from(await file.arrayBuffer());
}

function inputRow(kind: NewInputImage["kind"], imageIndex: number, sha256: string, image: CheckedUpload): NewInputImage {
  return { id: randomUUID(), kind, imageIndex, sha256, format: image.format, width: image.width, height: image.height, bytes: image.bytes.length };
}

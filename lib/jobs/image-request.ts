import "server-only";
import type { Gateway } from "@/lib/env";
import type { GatewayEvent, ImageSink, StreamLimits } from "@/lib/gateway/client";
import { editImage, type EditCall, type InputImage } from "@/lib/gateway/edit";
import { generateImage, type ImageCall } from "@/lib/gateway/generate";
import type { EditInputs, ImageJobPayload, Job } from "@/lib/jobs/payload";
import { blobStore, StorageError } from "@/lib/storage";

/**
 * What a job asks of the gateway for each of its images, size and quality aside (the fallback
 * ladder picks those per attempt): a generation, or an edit of stored input images. The runner
 * (run-generation.ts, run-image.ts) is one for both; only the endpoint differs.
 */
export type ImageAsk =
  | { endpoint: "generate"; call: Omit<ImageCall, "size" | "quality"> }
  | { endpoint: "edit"; call: Omit<EditCall, "size" | "quality">; guard: MaskGuard | null };

/**
 * A masked edit's guard (mask-guard.ts): the edited image as sent and its mask, to measure the
 * result against, and whether to put the source back over the protected area.
 */
export type MaskGuard = { source: Buffer; mask: Buffer; protect: boolean };

/** The gateway request of one attempt. */
export function requestImage<T>(gateway: Gateway, ask: ImageAsk, step: { size: string; quality: string }, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<GatewayEvent<T>> {
  const sized = { size: step.size, quality: step.quality };
  return ask.endpoint === "edit" ? editImage(gateway, { ...ask.call, ...sized }, limits, openSink) : generateImage(gateway, { ...ask.call, ...sized }, limits, openSink);
}

/**
 * The job's ask. An edit's inputs are read from the store once per run, held for all its images
 * and attempts; one that cannot be read is a StorageError (the store's fault, never retried).
 */
export async function askOf(job: Job<ImageJobPayload>): Promise<ImageAsk> {
  const { payload } = job;
  const request = payload.request;
  const common = {
    model: request.model,
    prompt: request.prompt,
    output_format: request.output_format,
    ...(request.output_compression !== undefined ? { output_compression: request.output_compression } : {}),
    background: request.background,
    partial_images: request.partial_images,
    user: job.ownerId,
  };
  if (payload.kind === "generate") return { endpoint: "generate", call: { ...common, moderation: payload.request.moderation } };
  const { images, mask } = await readInputs(payload.inputs);
  const guard = mask && images[0] ? { source: images[0].bytes, mask: mask.bytes, protect: payload.inputs.protect } : null;
  // Never `moderation`: the edits endpoint does not take it (editImage would drop it anyway).
  return { endpoint: "edit", call: { ...common, images, ...(mask ? { mask } : {}) }, guard };
}

const MIME = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" } as const;

async function readInputs(inputs: EditInputs): Promise<{ images: InputImage[]; mask?: InputImage }> {
  const store = blobStore();
  const read = (sha256: string) =>
    store.read(sha256).catch((error: unknown) => {
      throw error instanceof StorageError ? error : new StorageError("read the edit's input images", error);
    });
  const [images, mask] = await Promise.all([
    Promise.all(inputs.images.map(async (image) => ({ bytes: await read(image.sha256), type: MIME[image.format] }))),
    inputs.mask ? read(inputs.mask.sha256).then((bytes) => ({ bytes, type: MIME.png })) : undefined,
  ]);
  return mask ? { images, mask } : { images };
}

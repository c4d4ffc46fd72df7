import "server-only";
import type OpenAI from "openai";
import { toFile } from "openai";
import type { Gateway } from "@/lib/env";
import { streamEvents, type GatewayEvent, type ImageSink, type StreamLimits } from "@/lib/gateway/client";
import type { ImageCall } from "@/lib/gateway/generate";
import { imageEvents } from "@/lib/gateway/image-events";

/** An image sent to the gateway: its bytes and their mime type ("image/png", "image/jpeg", "image/webp"). */
export type InputImage = { bytes: Buffer; type: string };

/**
 * `POST /v1/images/edits`: the generation fields but `moderation` (upstream rejects it on edits),
 * the images to edit (up to 16) and an optional mask for the first of them.
 */
export type EditCall = Omit<ImageCall, "moderation"> & { images: InputImage[]; mask?: InputImage };

/** Same yields and failures as generateImage; the request is multipart, its images always `image[]`. */
export function editImage<T>(gateway: Gateway, call: EditCall, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<GatewayEvent<T>> {
  return streamEvents(gateway, limits, openSink, {
    send: async (client, signal) => client.images.edit(await editBody(call), { signal }).asResponse(),
    decoder: imageEvents<T>({ partial: "image_edit.partial_image", completed: "image_edit.completed" }),
  });
}

/**
 * Fields picked one by one rather than spread, so nothing an edit must not carry (`moderation`,
 * `input_fidelity`) slips through from a wider object. The images go as an array even when there
 * is one: the SDK names a lone file `image` but an array's parts `image[]`, the contract's field.
 */
async function editBody(call: EditCall): Promise<OpenAI.Images.ImageEditParamsStreaming> {
  const body = {
    model: call.model,
    prompt: call.prompt,
    image: await Promise.all(call.images.map((image, i) => upload(image, `image-${i + 1}`))),
    mask: call.mask ? await upload(call.mask, "mask") : undefined,
    size: call.size,
    quality: call.quality,
    output_format: call.output_format,
    output_compression: call.output_compression,
    background: call.background,
    partial_images: call.partial_images,
    user: call.user,
    stream: true,
  };
  // The call's strings are checked by the studio's own rules (size-rules.ts), wider than the SDK's unions.
  return body as OpenAI.Images.ImageEditParamsStreaming;
}

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp" };

function upload(image: InputImage, name: string) {
  return toFile(image.bytes, `${name}.${EXTENSIONS[image.type] ?? "png"}`, { type: image.type });
}

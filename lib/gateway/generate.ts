import "server-only";
import type OpenAI from "openai";
import type { Gateway } from "@/lib/env";
import { streamEvents, type GatewayEvent, type ImageSink, type StreamLimits } from "@/lib/gateway/client";
import { imageEvents } from "@/lib/gateway/image-events";

/** `POST /v1/images/generations`, streamed: one request per image (the contract's `n: 1`). */
export type ImageCall = {
  model: string;
  prompt: string;
  size: string;
  quality: string;
  output_format: string;
  output_compression?: number;
  background: string;
  moderation: string;
  partial_images: number;
  /** The studio user's id, sent as the brief's `user` for the gateway's audit. */
  user: string;
};

/**
 * Yields partials then exactly one `completed`, or throws a GatewayError (or a SinkFailure when
 * the sink failed). Each image's bytes go to a sink from `openSink` as they arrive, never whole.
 */
export function generateImage<T>(gateway: Gateway, call: ImageCall, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<GatewayEvent<T>> {
  // The call's strings are checked by the studio's own rules (size-rules.ts), wider than the SDK's unions.
  const body = { ...call, stream: true } as OpenAI.Images.ImageGenerateParamsStreaming;
  return streamEvents(gateway, limits, openSink, {
    send: (client, signal) => client.images.generate(body, { signal }).asResponse(),
    decoder: imageEvents<T>({ partial: "image_generation.partial_image", completed: "image_generation.completed" }),
  });
}

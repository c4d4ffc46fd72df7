import "server-only";
import OpenAI, { APIError } from "openai";
import { z } from "zod";
import type { Gateway } from "@/lib/env";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import { EventFormatError, SseReader, type ByteSink, type SseMessage } from "@/lib/gateway/event-stream";
import { Watchdog } from "@/lib/gateway/watchdog";
import { mark } from "@/lib/trace";
import type { StreamLimits } from "@/lib/gateway/watchdog";

/**
 * The one client every endpoint module speaks to the gateway through. Every image is one streamed
 * request (the brief's advice for `n`, and the only way OpenAI streams). Deadlines live here
 * because only this layer sees bytes arrive: a keep-alive comment proves the connection is alive,
 * an SDK event does not.
 */
export type Usage = z.infer<typeof usageSchema>;
export type Echo = { size?: string; quality?: string; background?: string; outputFormat?: string };
/** `image` is what the caller's sink made of the picture's bytes (a staged file); the caller owns it. */
export type GatewayEvent<T> =
  | { type: "partial"; index: number; image: T; echo: Echo }
  | {
      type: "completed";
      image: T;
      echo: Echo;
      usage: Usage | null;
      revisedPrompt: string | null;
    };

/**
 * What a Responses API conversation streams beside the images (lib/gateway/responses.ts): the text
 * model's words as they are written, and the tool starting a picture.
 */
export type TextEvent = { type: "text"; delta: string };
export type DrawingEvent = { type: "drawing" };

/** Where an image's decoded bytes go as they arrive; `abort()` drops them, also after `end()`. */
export type ImageSink<T> = ByteSink<T>;

/** A failure of the caller's sink (its disk), passed through as itself: not the gateway's fault. */
export class SinkFailure extends Error {}

export type { StreamLimits };

const tokenDetails = z.object({ image_tokens: z.number().optional(), text_tokens: z.number().optional(), cached_tokens: z.number().optional() }).partial();
export const usageSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number().optional(),
  input_tokens_details: tokenDetails.optional(),
  output_tokens_details: tokenDetails.optional(),
});

/** A message whose data is a JSON object that is not an error: image fields' values are `Sunk`. */
export type JsonMessage = SseMessage & { json: Record<string, unknown> };

/** How one endpoint's events read: which fields hold images, and what each message means. */
export interface EventDecoder<T, E extends { type: string } = GatewayEvent<T>> {
  /** Field names whose string values are images, streamed to sinks wherever they sit in a message. */
  readonly imageFields: ReadonlySet<string>;
  /**
   * The event a message makes, or null. The decoder owns the message's images from here: those it
   * does not hand on in an event (now or later) it drops with `message.discard()`. A throw drops them.
   */
  decode(message: JsonMessage): E | null;
  /** The stream ended without its last event: drop the images kept for a later event. */
  abort(): void;
  /**
   * The event that ends the stream, and what to say when the stream stops before it: by default
   * `completed` (one image per request); a conversation goes on past its images to `done`.
   */
  readonly last?: { type: E["type"]; unfinished: string };
}

export type StreamRequest<T, E extends { type: string } = GatewayEvent<T>> = {
  /** Sends the request through the SDK, which turns error answers into APIErrors; the body is read here. */
  send(client: OpenAI, signal: AbortSignal): Promise<Response>;
  decoder: EventDecoder<T, E>;
};

const IMAGE_STREAM_END = { type: "completed", unfinished: "The gateway's stream ended before the image was complete." } as const;

/**
 * Yields partials then exactly one `completed` (or the decoder's own events up to its last one),
 * or throws a GatewayError (or a SinkFailure when the sink failed). Each image's bytes go to a
 * sink from `openSink` as they arrive, never whole.
 */
export async function* streamEvents<T, E extends { type: string } = GatewayEvent<T>>(
  gateway: Gateway,
  limits: StreamLimits,
  openSink: () => ImageSink<T>,
  request: StreamRequest<T, E>,
): AsyncGenerator<E> {
  const watchdog = new Watchdog(limits);
  const client = new OpenAI({
    baseURL: gateway.baseURL,
    apiKey: gateway.apiKey,
    maxRetries: 0, // retries are the job runner's, with the brief's rules
    timeout: limits.deadlineMs,
    logLevel: "off",
    fetch: watchdog.fetch,
  });
  const { decoder } = request;
  const last = decoder.last ?? IMAGE_STREAM_END;
  let completed = false;
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const arrived: SseMessage[] = [];
  const reader = new SseReader<T>(guarded(openSink), decoder.imageFields, (message) => void arrived.push(message));
  try {
    // The SDK sends the request and turns error answers into APIErrors; the stream itself is read
    // by the studio's own reader (event-stream.ts), which decodes images straight into their
    // sinks. The SDK's reader holds whole events, and copies and re-scans its whole buffer on
    // every chunk: its cost grows with the square of an image's size.
    const response = await request.send(client, watchdog.signal);
    if (!response.body) throw new GatewayError("bad_response", "truncated_stream", "The gateway answered without a body.");
    // Read by hand, no stream stages in between: every chunk of bytes (keep-alive comments too)
    // proves the gateway alive, then goes to the parser, which hands over whole messages.
    body = response.body.getReader();
    while (!completed) {
      const { done, value } = await body.read();
      if (done) break;
      watchdog.touch();
      reader.feed(value);
      while (arrived.length > 0 && !completed) {
        mark("gw:event");
        const event = takeEvent(arrived.shift()!, decoder, response.headers);
        if (!event) continue;
        if (event.type === last.type) completed = true;
        yield event;
      }
    }
  } catch (error) {
    if (error instanceof SinkFailure) throw error;
    if (error instanceof EventFormatError) throw new GatewayError("bad_response", "bad_event", error.message);
    throw watchdog.reason() ?? toGatewayError(error, watchdog.errorBody);
  } finally {
    watchdog.stop();
    reader.abort();
    if (!completed) decoder.abort();
    for (const message of arrived.splice(0)) message.discard();
    if (body) void (completed ? drain(body) : body.cancel().catch(() => undefined));
  }
  // A stream that stops short (or is stopped) says why instead of ending quietly.
  if (!completed) throw watchdog.reason() ?? new GatewayError("bad_response", "truncated_stream", last.unfinished);
}

/**
 * One SSE message as the SDK would read it: `[DONE]` is skipped, the data must be JSON, and an
 * `error` event (or data carrying `error`) is the gateway failing mid-stream.
 */
function takeEvent<T, E extends { type: string }>(message: SseMessage, decoder: EventDecoder<T, E>, headers: Headers): E | null {
  try {
    if (!message.json) {
      if (message.text.startsWith("[DONE]")) return null;
      throw new GatewayError("bad_response", "bad_event", "The gateway sent an event the studio cannot read (its data is not JSON).");
    }
    const raw = message.json;
    const failure = "error" in raw ? raw.error : undefined;
    if (message.event === "error" || failure) {
      throw new APIError(undefined, (failure ?? raw) as object, undefined, headers);
    }
    return decoder.decode({ ...message, json: raw });
  } catch (error) {
    message.discard();
    throw error;
  }
}

/** A zod failure on an event, as the GatewayError that names where the shape went wrong. */
export function badEvent(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  const where = first ? `${first.path.join(".") || "event"}: ${first.message}` : "unknown shape";
  return new GatewayError("bad_response", "bad_event", `The gateway sent an event the studio cannot read (${where}).`);
}

/**
 * Reads what follows `completed` (a `[DONE]`, the end) so the connection goes back to the pool for
 * the next request instead of being torn down; a gateway that keeps talking is cut after a moment.
 */
const DRAIN_MS = 2_000;
async function drain(body: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  const cut = setTimeout(() => void body.cancel().catch(() => undefined), DRAIN_MS);
  try {
    while (!(await body.read()).done);
  } catch {
    // cut off, or the gateway closed badly: either way the request is over
  } finally {
    clearTimeout(cut);
  }
}

/** Sink failures are marked, so they pass through as themselves rather than as the gateway's. */
function guarded<T>(openSink: () => ImageSink<T>): () => ImageSink<T> {
  const asSinkFailure = <A extends unknown[], R>(work: (...args: A) => R) => (...args: A): R => {
    try {
      return work(...args);
    } catch (error) {
      throw new SinkFailure("the image could not be stored", { cause: error });
    }
  };
  return () => {
    const sink = asSinkFailure(openSink)();
    return { write: asSinkFailure((bytes: Buffer) => sink.write(bytes)), end: asSinkFailure(() => sink.end()), abort: () => sink.abort() };
  };
}

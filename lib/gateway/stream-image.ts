import OpenAI, { APIError } from "openai";
import { Agent, fetch as undiciFetch } from "undici";
import { z } from "zod";
import type { Gateway } from "@/lib/env";
import { GatewayError, toGatewayError } from "@/lib/gateway/errors";
import { EventFormatError, SseReader, Sunk, type ByteSink, type SseMessage } from "@/lib/gateway/event-stream";
import { mark } from "@/lib/trace";

/**
 * The one place that speaks to the image gateway. Every image is one streamed request (the brief's
 * advice for `n`, and the only way OpenAI streams). Deadlines live here because only this layer
 * sees bytes arrive: a keep-alive comment proves the connection is alive, an SDK event does not.
 */
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

export type Usage = z.infer<typeof usageSchema>;
export type Echo = { size?: string; quality?: string; background?: string; outputFormat?: string };
/** `image` is what the caller's sink made of the picture's bytes (a staged file); the caller owns it. */
export type GatewayEvent<T> =
  | { type: "partial"; index: number; image: T; echo: Echo }
  | { type: "completed"; image: T; echo: Echo; usage: Usage | null; revisedPrompt: string | null };

/** Where an image's decoded bytes go as they arrive; `abort()` drops them, also after `end()`. */
export type ImageSink<T> = ByteSink<T>;

/** A failure of the caller's sink (its disk), passed through as itself: not the gateway's fault. */
export class SinkFailure extends Error {}

export type StreamLimits = {
  signal?: AbortSignal;
  /** Whole-request limit, from the request's start. */
  deadlineMs: number;
  /** Longest silence (no bytes at all) tolerated once the request is sent. */
  idleMs: number;
  /** Called once the gateway has answered (status and headers), whatever the answer. */
  onAnswer?: () => void;
};

const tokenDetails = z.object({ image_tokens: z.number().optional(), text_tokens: z.number().optional() }).partial();
const usageSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number().optional(),
  input_tokens_details: tokenDetails.optional(),
  output_tokens_details: tokenDetails.optional(),
});
const echoFields = {
  size: z.string().optional(),
  quality: z.string().optional(),
  background: z.string().optional(),
  output_format: z.string().optional(),
};
const IMAGE_FIELDS = new Set(["b64_json"]);
/** An image field as the reader left it: streamed into a sink (a string value; anything else fails). */
const sunk = z.instanceof(Sunk, { error: "expected the image as a base64 string" });
const partialSchema = z.object({
  type: z.string().endsWith(".partial_image"),
  b64_json: sunk,
  partial_image_index: z.number().int().min(0),
  ...echoFields,
});
const completedSchema = z.object({
  type: z.string().endsWith(".completed"),
  b64_json: sunk,
  usage: usageSchema.nullish(),
  revised_prompt: z.string().nullish(),
  ...echoFields,
});

function echoOf(data: { size?: string; quality?: string; background?: string; output_format?: string }): Echo {
  return { size: data.size, quality: data.quality, background: data.background, outputFormat: data.output_format };
}

/**
 * Yields partials then exactly one `completed`, or throws a GatewayError (or a SinkFailure when
 * the sink failed). Each image's bytes go to a sink from `openSink` as they arrive, never whole.
 */
export async function* streamImage<T>(gateway: Gateway, call: ImageCall, limits: StreamLimits, openSink: () => ImageSink<T>): AsyncGenerator<GatewayEvent<T>> {
  const watchdog = new Watchdog(limits);
  const client = new OpenAI({
    baseURL: gateway.baseURL,
    apiKey: gateway.apiKey,
    maxRetries: 0, // retries are the job runner's, with the brief's rules
    timeout: limits.deadlineMs,
    logLevel: "off",
    fetch: watchdog.fetch,
  });
  let completed = false;
  let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const arrived: SseMessage[] = [];
  const reader = new SseReader<T>(guarded(openSink), IMAGE_FIELDS, (message) => void arrived.push(message));
  try {
    // The SDK sends the request and turns error answers into APIErrors; the stream itself is read
    // by the studio's own reader (event-stream.ts), which decodes images straight into their
    // sinks. The SDK's reader holds whole events, and copies and re-scans its whole buffer on
    // every chunk: its cost grows with the square of an image's size.
    const response = await client.images
      .generate({ ...call, size: call.size as "auto", stream: true } as OpenAI.Images.ImageGenerateParamsStreaming, { signal: watchdog.signal })
      .asResponse();
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
        const event = takeEvent<T>(arrived.shift()!, response.headers);
        if (!event) continue;
        if (event.type === "completed") completed = true;
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
    for (const message of arrived.splice(0)) message.discard();
    if (body) void (completed ? drain(body) : body.cancel().catch(() => undefined));
  }
  // A stream that stops short (or is stopped) says why instead of ending quietly.
  if (!completed) throw watchdog.reason() ?? new GatewayError("bad_response", "truncated_stream", "The gateway's stream ended before the image was complete.");
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

/**
 * One SSE message as the SDK would read it: `[DONE]` is skipped, the data must be JSON, and an
 * `error` event (or data carrying `error`) is the gateway failing mid-stream. A message that
 * yields no event drops the images it carried.
 */
function takeEvent<T>(message: SseMessage, headers: Headers): GatewayEvent<T> | null {
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
    return parseEvent<T>(raw);
  } catch (error) {
    message.discard();
    throw error;
  }
}

function parseEvent<T>(raw: unknown): GatewayEvent<T> {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type === "string" && type.endsWith(".partial_image")) {
    const data = partialSchema.safeParse(raw);
    if (!data.success) throw badEvent(data.error);
    return { type: "partial", index: data.data.partial_image_index, image: data.data.b64_json.value as T, echo: echoOf(data.data) };
  }
  const data = completedSchema.safeParse(raw);
  if (!data.success) throw badEvent(data.error);
  return { type: "completed", image: data.data.b64_json.value as T, echo: echoOf(data.data), usage: data.data.usage ?? null, revisedPrompt: data.data.revised_prompt ?? null };
}

function badEvent(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  const where = first ? `${first.path.join(".") || "event"}: ${first.message}` : "unknown shape";
  return new GatewayError("bad_response", "bad_event", `The gateway sent an event the studio cannot read (${where}).`);
}

/**
 * Connections to the gateway, kept open between generations: Node's default drops an idle one
 * after 4 s, so a person's next prompt paid a new TCP (and, upstream, TLS) handshake before its
 * request even left. A server that announces a shorter keep-alive is still obeyed.
 */
const gatewayConnections = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });

/** Aborts the request on cancel, on the deadline, or when no byte arrived for `idleMs`. */
class Watchdog {
  private readonly controller = new AbortController();
  private readonly deadline: NodeJS.Timeout;
  private idle: NodeJS.Timeout | undefined;
  private why: GatewayError | undefined;
  private readonly onAbort = () => this.abort(new GatewayError("cancelled", "cancelled", "The request was stopped."));

  constructor(private readonly limits: StreamLimits) {
    this.deadline = setTimeout(() => this.abort(timeoutError(`No image within ${Math.round(limits.deadlineMs / 1000)} s.`)), limits.deadlineMs);
    if (limits.signal?.aborted) this.onAbort();
    limits.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  reason(): GatewayError | undefined {
    return this.why;
  }

  touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.abort(timeoutError(`The gateway went silent for ${Math.round(this.limits.idleMs / 1000)} s.`, "idle_timeout")), this.limits.idleMs);
  }

  stop(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.idle);
    this.limits.signal?.removeEventListener("abort", this.onAbort);
  }

  /** The raw body of an error answer: sub2api's shape is not OpenAI's, and the SDK drops it. */
  errorBody: unknown;

  /** Fetch for the SDK: connections from the pool, an answer noted, an error body kept. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    mark("gw:fetch");
    const response = (await undiciFetch(input as string | URL, { ...(init as object), dispatcher: gatewayConnections })) as unknown as Response;
    this.touch();
    this.limits.onAnswer?.();
    if (!response.ok) {
      const text = await response.text();
      this.errorBody = parseJson(text);
      return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return response;
  };

  private abort(reason: GatewayError): void {
    if (this.controller.signal.aborted) return;
    this.why = reason;
    this.stop();
    this.controller.abort(reason);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function timeoutError(message: string, code = "timeout"): GatewayError {
  return new GatewayError("timeout", code, message);
}

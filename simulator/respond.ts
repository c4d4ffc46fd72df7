/**
 * Sending image results: the JSON answer or the SSE stream, paced to the configured latency and
 * broken on purpose when a fault asks for it. Sends are scheduled at fixed offsets from the
 * request's start, so the latency configured is the latency a client observes (drawing happens
 * during the wait; if it takes longer the event goes out as soon as it is ready).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { formatSize, type Dimensions } from "../lib/images/size-rules";
import { mark } from "../lib/trace";
import { encodePartial, encodeRaster, partialScales, type Encoding, type Raster } from "./draw";
import type { CorruptMode, EndingFault, FaultPlan, ImageSizeFault } from "./faults";
import type { ImageRequest, Quality } from "./params";
import { computeUsage } from "./usage";

/** `textDeltaMs`: the gap between /v1/responses text deltas (responses-stream.ts). */
export type Timing = { firstPartialMs: number; betweenPartialsMs: number; finalMs: number; textDeltaMs: number };

/** One HTTP exchange: `started` (performance.now()) anchors all timings; `signal` aborts when the client leaves. */
export type Exchange = { req: IncomingMessage; res: ServerResponse; started: number; signal: AbortSignal };

export type ImageJob = {
  /** Stream event names are `<prefix>.partial_image` and `<prefix>.completed`. */
  eventPrefix: "image_generation" | "image_edit";
  request: ImageRequest;
  /** Pixel size asked for, `auto` already resolved. */
  asked: Dimensions;
  inputImages: Dimensions[];
  revisedPrompt: string;
  transparent: boolean;
  /** Draws image number `variant` (0-based) at the given size. */
  render(variant: number, size: Dimensions): Promise<Raster>;
  /** Photo-like grain (draw.ts: addGrain), given to partials too so they weigh what real ones do. */
  grain: number;
};

/** What is actually drawn, and what the response claims. They differ only under size faults. */
export type Shape = { drawn: Dimensions; size: string; quality: Quality };

const KEEPALIVE_EVERY_MS = 1000;
/** With the `keepalive` fault clients get a flood of keep-alives instead of the usual trickle. */
export const FLOOD_EVERY_MS = 100;
export const MID_STREAM_ENDINGS = ["reset-mid-stream", "stall-mid", "error-mid-stream", "error-data"] as const;
export type MidStreamEnding = (typeof MID_STREAM_ENDINGS)[number];
const LOWER_QUALITY: Record<Quality, Quality> = { high: "medium", medium: "low", low: "low" };
export const HTML_ERROR_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
const UPSTREAM_ERROR = { message: "Upstream stream interrupted", type: "server_error", code: "upstream_error", param: null };

function ignore(): void {}

/**
 * Node sends written data on the next tick, and drawing starts with synchronous pixel work that
 * would hold back headers already written (for ~0.1-0.3 s on a 4K picture). Let them go first.
 */
export async function flushBeforeDrawing(): Promise<void> {
  await nextTurn();
}

/** Half of each edge, kept on the 16 px grid: the "smaller than asked" image of the size faults. */
function halfSize({ width, height }: Dimensions): Dimensions {
  const half = (edge: number) => Math.max(16, Math.round(edge / 32) * 16);
  return { width: half(width), height: half(height) };
}

/** A quarter more on each edge, on the 16 px grid: the "larger than asked" image. */
function largerSize({ width, height }: Dimensions): Dimensions {
  const larger = (edge: number) => Math.round((edge * 1.25) / 16) * 16;
  return { width: larger(width), height: larger(height) };
}

/** Width and height swapped; a square one made half as wide again (3:2). */
function otherAspect({ width, height }: Dimensions): Dimensions {
  return width === height ? { width: Math.round((width * 1.5) / 16) * 16, height } : { width: height, height: width };
}

export function shapeFor(job: ImageJob, plan: FaultPlan | undefined): Shape {
  const quality = job.request.quality === "auto" ? "medium" : job.request.quality;
  const asked = formatSize(job.asked);
  const sized: Record<ImageSizeFault, () => Shape> = {
    "wrong-size": () => ({ drawn: halfSize(job.asked), size: asked, quality }),
    downgrade: () => ({ drawn: halfSize(job.asked), size: formatSize(halfSize(job.asked)), quality: LOWER_QUALITY[quality] }),
    larger: () => ({ drawn: largerSize(job.asked), size: asked, quality }),
    aspect: () => ({ drawn: otherAspect(job.asked), size: asked, quality }),
    "echo-mismatch": () => ({ drawn: job.asked, size: formatSize(halfSize(job.asked)), quality }),
  };
  return plan?.imageSize ? sized[plan.imageSize]() : { drawn: job.asked, size: asked, quality };
}

export function echoedFields(job: ImageJob, shape: Shape) {
  return {
    background: job.transparent ? "transparent" : "opaque",
    output_format: job.request.outputFormat,
    quality: shape.quality,
    size: shape.size,
  };
}

function encodingOf(job: ImageJob): Encoding {
  return { format: job.request.outputFormat, compression: job.request.outputCompression, grained: job.grain > 0 };
}

export function b64(image: Buffer, corrupt: CorruptMode | undefined): string {
  switch (corrupt) {
    case undefined:
      return image.toString("base64");
    case "invalid":
      return `%%not-base64%%${image.subarray(0, 48).toString("base64")}!!`;
    case "text":
      return Buffer.from("this is not an image, just some text").toString("base64");
    default:
      return damage(image, corrupt).toString("base64");
  }
}

/** PNG's IEND chunk and JPEG's end-of-image marker; WebP has none (its RIFF header holds its length). */
function endMarkerLength(image: Buffer): number {
  if (image[0] === 0x89) return 12;
  if (image[0] === 0xff) return 2;
  return 16;
}

/** Bytes a broken gateway or proxy could hand on: image data that decodes badly, or not at all. */
export function damage(image: Buffer, mode: Exclude<CorruptMode, "invalid" | "text">): Buffer {
  switch (mode) {
    case "truncated":
      return image.subarray(0, Math.floor(image.length / 2));
    case "tail":
      return image.subarray(0, image.length - endMarkerLength(image));
    case "flip": {
      // A few bytes a little apart, well past the header: in every format, the compressed pixels.
      const copy = Buffer.from(image);
      const middle = Math.floor(copy.length / 2);
      for (let at = middle; at < Math.min(copy.length, middle + 64); at += 16) copy[at] = (copy[at] ?? 0) ^ 0xa5;
      return copy;
    }
    case "zero-tail":
      return Buffer.from(image).fill(0, Math.floor((image.length * 2) / 3));
    case "header-only":
      return image.subarray(0, headerLength(image));
  }
}

/** Enough for a header reader (image-size) to take it for a whole image: signature, size, format. */
function headerLength(image: Buffer): number {
  if (image[0] === 0x89) return 33; // signature and IHDR
  if (image[0] !== 0xff) return 30; // RIFF, the VP8 chunk's header and its frame header with the size
  // JPEG: every segment up to and including the frame header (SOFn), which holds the size.
  for (let at = 2; at + 4 <= image.length; ) {
    const marker = image[at + 1] ?? 0;
    const end = at + 2 + image.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return end;
    at = end;
  }
  return image.length;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Offsets from the request start (ms) of each partial and of the final image. */
export function schedule(timing: Timing, slowMs: number, partials: number): { partialAt: number[]; finalAt: number } {
  const first = slowMs + timing.firstPartialMs;
  const partialAt = Array.from({ length: partials }, (_, k) => first + k * timing.betweenPartialsMs);
  return { partialAt, finalAt: (partialAt.at(-1) ?? first) + timing.finalMs };
}

/**
 * Resolves with `work` once it is done and `at` ms have passed since the request started, running
 * `tick` (a keep-alive) periodically meanwhile. Rejects when the client disconnects.
 */
export async function waitFor<T>(ex: Exchange, at: number, work: Promise<T>, tick?: Tick): Promise<T> {
  const timer = tick ? setInterval(tick.run, tick.everyMs) : undefined;
  try {
    const delay = ex.started + at - performance.now();
    const pause = delay > 0 ? sleep(delay, undefined, { signal: ex.signal }) : undefined;
    const [value] = await Promise.all([work, pause]);
    return value;
  } finally {
    clearInterval(timer);
  }
}

/** Writes that quietly stop once the client is gone, and a way to cut the connection after a flush. */
function writable(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

export type Tick = { everyMs: number; run: () => void };

/**
 * Gateways that keep a non-streaming connection alive commit the 200 and dribble whitespace: with
 * the `keepalive` fault, the JSON reply starts so, and the returned tick keeps it dribbling.
 */
export async function keepaliveJson(res: ServerResponse, plan: FaultPlan | undefined): Promise<Tick | undefined> {
  if (!plan?.keepalive) return undefined;
  res.writeHead(200, { "content-type": "application/json" });
  write(res, "\n \n");
  await flushBeforeDrawing();
  return { everyMs: FLOOD_EVERY_MS, run: () => write(res, " \n") };
}

export function write(res: ServerResponse, chunk: string): void {
  if (writable(res)) res.write(chunk);
}

function end(res: ServerResponse, chunk: string): void {
  if (writable(res)) res.end(chunk);
}

function destroyAfterFlush(res: ServerResponse, chunk: string): void {
  if (writable(res)) res.write(chunk, () => res.destroy());
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (!writable(res)) return;
  if (!res.headersSent) res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Server-sent events, one res.write per event so each is flushed at once. */
export class EventStream {
  constructor(
    private readonly ex: Exchange,
    private readonly flood: boolean,
  ) {}

  open(): void {
    this.ex.req.socket.setNoDelay(true);
    this.ex.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.keepAlive();
  }

  keepAlive(): void {
    write(this.ex.res, ": keep-alive\n\n");
  }

  private frame(event: string | null, data: unknown): string {
    const filler = this.flood ? ": keep-alive\n\n\n\n: keep-alive\n\n" : "";
    return `${filler}${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
  }

  send(event: string | null, data: unknown): void {
    write(this.ex.res, this.frame(event, data));
  }

  raw(text: string): void {
    write(this.ex.res, text);
  }

  waitFor<T>(at: number, work: Promise<T>): Promise<T> {
    return waitFor(this.ex, at, work, { everyMs: this.flood ? FLOOD_EVERY_MS : KEEPALIVE_EVERY_MS, run: () => this.keepAlive() });
  }

  end(): void {
    if (writable(this.ex.res)) this.ex.res.end();
  }
}

/** Starts drawing every image of a job at once, so the work overlaps the configured latency. */
export function startImages(job: ImageJob, shape: Shape, count: number): Promise<Buffer[]> {
  const encoding = encodingOf(job);
  const images = Promise.all(
    Array.from({ length: count }, (_, variant) => job.render(variant, shape.drawn).then((raster) => encodeRaster(raster, encoding))),
  );
  images.catch(ignore);
  return images;
}

/**
 * The streamed picture and its partials. Encodes run one after another in the order they are sent,
 * so the first partial is not slowed down by the others competing for the same cores.
 */
export function startStreamImages(job: ImageJob, shape: Shape): { partials: Promise<Buffer>[]; final: Promise<Buffer> } {
  const encoding = encodingOf(job);
  const raster = job.render(0, shape.drawn);
  let previous: Promise<unknown> = raster;
  const partials = partialScales(job.request.partialImages).map((scale) => {
    const partial = previous.then(() => raster).then((r) => encodePartial(r, scale, encoding, job.grain));
    previous = partial;
    return partial;
  });
  const final = previous.then(() => raster).then((r) => encodeRaster(r, encoding));
  for (const work of [final, ...partials]) work.catch(ignore);
  return { partials, final };
}

export async function deliver(ex: Exchange, job: ImageJob, plan: FaultPlan | undefined, timing: Timing): Promise<void> {
  const shape = shapeFor(job, plan);
  if (job.request.stream) await deliverStream(ex, job, plan, shape, timing);
  else await deliverJson(ex, job, plan, shape, timing);
}

async function deliverJson(ex: Exchange, job: ImageJob, plan: FaultPlan | undefined, shape: Shape, timing: Timing): Promise<void> {
  const { res } = ex;
  const tick = await keepaliveJson(res, plan);
  const count = plan?.fewerImages ? Math.max(1, job.request.n - 1) : job.request.n;
  const images = startImages(job, shape, count);
  const buffers = await waitFor(ex, schedule(timing, plan?.slowMs ?? 0, 0).finalAt, images, tick);
  const echoed = echoedFields(job, shape);
  // Key order as in the contract's example.
  const text = JSON.stringify({
    created: unixNow(),
    background: echoed.background,
    model: job.request.model,
    output_format: echoed.output_format,
    quality: echoed.quality,
    size: echoed.size,
    data: buffers.map((image) => ({ b64_json: b64(image, plan?.corrupt), revised_prompt: job.revisedPrompt })),
    usage: computeUsage({
      prompt: job.request.prompt,
      quality: shape.quality,
      outputs: buffers.map(() => shape.drawn),
      partials: 0,
      inputImages: job.inputImages,
    }),
  });
  endJson(res, text, plan?.ending);
}

/** The JSON answer, or the broken version of it an ending fault asks for. */
export function endJson(res: ServerResponse, text: string, ending: EndingFault | undefined): void {
  const half = text.slice(0, Math.floor(text.length / 2));
  if (!res.headersSent) {
    res.writeHead(200, { "content-type": ending === "non-json" ? "text/html" : "application/json" });
  }
  switch (ending) {
    case undefined:
      return end(res, text);
    case "non-json":
      return end(res, HTML_ERROR_PAGE);
    case "truncated":
      return end(res, half);
    case "reset-mid-stream":
      return destroyAfterFlush(res, half);
    case "stall-mid":
      // Half an answer, then nothing until the client gives up.
      return write(res, half);
    case "error-mid-stream":
    case "error-data":
      // A gateway that already committed a 200 can only report the failure in the body.
      return end(res, JSON.stringify({ error: UPSTREAM_ERROR }));
  }
}

async function deliverStream(ex: Exchange, job: ImageJob, plan: FaultPlan | undefined, shape: Shape, timing: Timing): Promise<void> {
  const stream = new EventStream(ex, plan?.keepalive ?? false);
  stream.open();
  if (plan?.ending === "non-json") {
    stream.raw(`data: ${HTML_ERROR_PAGE}\ndata: <<garbage>> {not json\n\n`);
    return stream.end();
  }
  await flushBeforeDrawing();
  const { partials, final } = startStreamImages(job, shape);
  const times = schedule(timing, plan?.slowMs ?? 0, partials.length);
  const midStream = MID_STREAM_ENDINGS.find((ending) => ending === plan?.ending);
  for (const [index, partial] of partials.entries()) {
    const image = await stream.waitFor(times.partialAt[index] ?? 0, partial);
    mark("sim:partial-send");
    stream.send(`${job.eventPrefix}.partial_image`, {
      type: `${job.eventPrefix}.partial_image`,
      b64_json: plan?.corruptAt === "partials" ? b64(image, plan.corrupt) : image.toString("base64"),
      partial_image_index: index,
      created_at: unixNow(),
      ...echoedFields(job, shape),
    });
    if (midStream) return breakStream(ex, stream, completedCut(job), midStream);
  }
  if (midStream) return breakStream(ex, stream, completedCut(job), midStream);
  if (plan?.ending === "truncated") return stream.end();

  const image = await stream.waitFor(times.finalAt, final);
  stream.send(`${job.eventPrefix}.completed`, {
    type: `${job.eventPrefix}.completed`,
    b64_json: b64(image, plan?.corruptAt === "partials" ? undefined : plan?.corrupt),
    created_at: unixNow(),
    ...echoedFields(job, shape),
    usage: computeUsage({
      prompt: job.request.prompt,
      quality: shape.quality,
      outputs: [shape.drawn],
      partials: partials.length,
      inputImages: job.inputImages,
    }),
    revised_prompt: job.revisedPrompt,
  });
  stream.end();
}

/** The first bytes of the completed event, so a reset always cuts something short. */
function completedCut(job: ImageJob): string {
  return `event: ${job.eventPrefix}.completed\ndata: {"type":"${job.eventPrefix}.completed","b64_json":"iVBORw0KGgo`;
}

/**
 * A stream failing after its first partial (or, with no partials, before its completed event);
 * `cut` is the start of the event a reset cuts off.
 */
export function breakStream(ex: Exchange, stream: EventStream, cut: string, ending: MidStreamEnding): void {
  switch (ending) {
    case "reset-mid-stream":
      return destroyAfterFlush(ex.res, cut);
    case "stall-mid":
      return;
    case "error-mid-stream":
      stream.send("error", { type: "error", error: UPSTREAM_ERROR });
      return stream.end();
    case "error-data":
      stream.send(null, { error: UPSTREAM_ERROR });
      return stream.end();
  }
}

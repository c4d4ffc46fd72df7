/**
 * A local stand-in for the OpenAI-compatible image gateway (see ../shared/gateway-contract.md beside the project):
 * plain node:http, real images, per-request fault injection and a request log. The studio talks to
 * it through the official `openai` SDK when no real gateway key is set; tests drive it directly.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { mark } from "../lib/trace";
import { ApiError, invalidRequest, openAIError, unauthorized } from "./errors";
import { chooseFault, FaultScript, FaultSpecError, statusFaultError, type FaultPlan, type PreemptFault } from "./faults";
import { readEdit, readGeneration, type Incoming } from "./jobs";
import { MAX_IMAGE_BYTES, MAX_IMAGES, type PartLog } from "./multipart";
import { MODELS } from "./params";
import { deliver, sendJson, type Exchange, type Timing } from "./respond";
import { answerFor } from "./responses";
import { readResponses } from "./responses-input";
import { deliverResponse } from "./responses-stream";

/** `textDeltaMs`: the gap between the text deltas of /v1/responses. */
export type LatencyOptions = { firstPartialMs?: number; betweenPartialsMs?: number; finalMs?: number; textDeltaMs?: number };

export type SimulatorOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  apiKey?: string;
  latency?: LatencyOptions;
  /** gpt-image-2 rejects `background: transparent` today; this switch lets it through. */
  allowTransparent?: boolean;
  /** Photo-like noise in every picture, so they weigh what real ones do (draw.ts: addGrain); 0 = smooth. */
  grain?: number;
};

export type RequestLogEntry = {
  id: number;
  /** ISO time the request arrived. */
  time: string;
  /** Which TCP connection carried it (numbered as they open): equal numbers mean a reused connection. */
  connection: number;
  method: string;
  path: string;
  /** The Authorization header with the key masked. */
  authorization: string | null;
  contentType: string | null;
  bodyBytes: number;
  /**
   * Parsed body; uploaded files appear as `{ file, type, bytes }`. For /v1/responses, a summary
   * (responses-input.ts: ResponsesLog): messages, tools, previousResponseId, input images, mask. Null when unparseable.
   */
  body: Record<string, unknown> | null;
  /** An edit's file parts in the order sent, with what their content is (multipart.ts: PartLog); null otherwise. */
  parts: PartLog[] | null;
  /** The fault spec applied, if any. */
  fault: string | null;
  /** Null while pending, or when the connection was cut before any status was sent. */
  status: number | null;
  /** Whether the response was sent in full. */
  completed: boolean;
  durationMs: number | null;
};

export type Simulator = {
  /** Base URL for clients, ending in /v1. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** The live request log (the same array GET /__sim/requests returns). */
  requests: RequestLogEntry[];
};

type State = {
  apiKey: string;
  timing: Timing;
  allowTransparent: boolean;
  grain: number;
  requests: RequestLogEntry[];
  script: FaultScript;
  nextId: number;
  nextConnection: number;
};

export const DEFAULT_API_KEY = "sk-sim-local";
const FAULT_HEADER = "x-sim-fault";
/** Room for 16 images of 50 MB plus the text fields; anything bigger is refused. */
const MAX_BODY_BYTES = (MAX_IMAGES + 1) * MAX_IMAGE_BYTES;
/** Release date of gpt-image-2-2026-04-21, as a unix time. */
const MODEL_CREATED = 1776729600;

const scriptSchema = z.object({ match: z.string(), faults: z.array(z.string()).min(1) });

function notFound(method: string, path: string): ApiError {
  return new ApiError(404, openAIError(`Invalid URL (${method} ${path})`, "invalid_request_error", null, null));
}

async function readBody(req: IncomingMessage): Promise<Buffer<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Keep draining past the limit so the client gets the 413 rather than a broken pipe.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    throw new ApiError(413, openAIError("Request body too large.", "invalid_request_error", null, "request_too_large"));
  }
  return Buffer.concat(chunks);
}

function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
}

function requireAuth(req: IncomingMessage, apiKey: string): void {
  if (bearerToken(req) !== apiKey) throw unauthorized();
}

/** Enough of the key to tell keys apart in a log, never the key itself. */
function maskAuthorization(header: string | undefined): string | null {
  if (header === undefined) return null;
  const [scheme = "", token = ""] = header.split(/\s+/, 2);
  const hint = token.length >= 12 ? `${token.slice(0, 3)}…${token.slice(-2)}` : "…";
  return `${scheme} ${hint} (${token.length} chars)`;
}

const connectionNumbers = new WeakMap<object, number>();
function connectionNumber(state: State, socket: object): number {
  let number = connectionNumbers.get(socket);
  if (number === undefined) {
    number = state.nextConnection++;
    connectionNumbers.set(socket, number);
  }
  return number;
}

function startLogEntry(state: State, ex: Exchange, path: string): RequestLogEntry {
  const { req, res } = ex;
  const entry: RequestLogEntry = {
    id: state.nextId++,
    time: new Date().toISOString(),
    connection: connectionNumber(state, req.socket),
    method: req.method ?? "GET",
    path,
    authorization: maskAuthorization(req.headers.authorization),
    contentType: req.headers["content-type"] ?? null,
    bodyBytes: 0,
    body: null,
    parts: null,
    fault: null,
    status: null,
    completed: false,
    durationMs: null,
  };
  state.requests.push(entry);
  res.once("close", () => {
    entry.status = res.headersSent ? res.statusCode : null;
    entry.completed = res.writableFinished;
    entry.durationMs = Math.round(performance.now() - ex.started);
  });
  return entry;
}

/** `promptParam` is the field a marker in the prompt came in, named when the marker is malformed. */
function faultFor(req: IncomingMessage, prompt: string | undefined, script: FaultScript, promptParam = "prompt"): FaultPlan | undefined {
  const raw = req.headers[FAULT_HEADER];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() || undefined;
  try {
    return chooseFault(header, prompt, script);
  } catch (error) {
    if (!(error instanceof FaultSpecError)) throw error;
    throw invalidRequest(error.message, header === undefined ? promptParam : FAULT_HEADER, "invalid_fault_spec");
  }
}

/** Faults that answer instead of the model: an error status, a cut connection, or silence. */
function preempt(ex: Exchange, fault: PreemptFault): void {
  switch (fault.kind) {
    case "status":
      throw statusFaultError(fault);
    case "refuse-connection":
      ex.req.socket.destroy();
      return;
    case "stall-before":
      // Never answer; the exchange ends when the client gives up or the simulator closes.
      return;
  }
}

async function handleImages(state: State, ex: Exchange, entry: RequestLogEntry, kind: "generation" | "edit"): Promise<void> {
  mark("sim:request");
  const body = await readBody(ex.req);
  entry.bodyBytes = body.length;
  const options = { allowTransparent: state.allowTransparent };
  const incoming: Incoming =
    kind === "generation" ? readGeneration(body, options) : await readEdit(body, ex.req.headers["content-type"], options);
  entry.body = incoming.log;
  entry.parts = incoming.parts ?? null;
  requireAuth(ex.req, state.apiKey);
  const plan = faultFor(ex.req, incoming.prompt, state.script);
  entry.fault = plan?.spec ?? null;
  if (plan?.preempt) {
    if (plan.slowMs > 0) await sleep(plan.slowMs, undefined, { signal: ex.signal });
    return preempt(ex, plan.preempt);
  }
  const job = await incoming.toJob({ grain: plan?.grain ?? state.grain, ignoreMask: plan?.ignoreMask ?? false });
  await deliver(ex, job, plan, state.timing);
}

/**
 * The Responses API with the image tool (responses*.ts). Faults as on the image endpoints, matched
 * on the last user message's text; a status fault `at=tool` waits for the stream to start, unless
 * there is no stream to fail in.
 */
async function handleResponses(state: State, ex: Exchange, entry: RequestLogEntry): Promise<void> {
  mark("sim:request");
  const body = await readBody(ex.req);
  entry.bodyBytes = body.length;
  const incoming = await readResponses(body, { allowTransparent: state.allowTransparent });
  entry.body = incoming.log;
  requireAuth(ex.req, state.apiKey);
  const plan = faultFor(ex.req, incoming.prompt, state.script, "input");
  entry.fault = plan?.spec ?? null;
  const early = plan?.preempt && plan.preemptAt !== "tool" ? plan.preempt : undefined;
  if (plan && early) {
    if (plan.slowMs > 0) await sleep(plan.slowMs, undefined, { signal: ex.signal });
    return preempt(ex, early);
  }
  const request = await incoming.toRequest();
  if (plan?.preempt && !request.stream) return preempt(ex, plan.preempt);
  await deliverResponse(ex, answerFor(request, plan, plan?.grain ?? state.grain), plan, state.timing);
}

function listModels(): unknown {
  return {
    object: "list",
    data: MODELS.map((id) => ({ id, object: "model", created: MODEL_CREATED, owned_by: "openai" })),
  };
}

async function handleV1(state: State, ex: Exchange, path: string): Promise<void> {
  const entry = startLogEntry(state, ex, path);
  const method = ex.req.method ?? "GET";
  switch (`${method} ${path}`) {
    case "POST /v1/images/generations":
      return handleImages(state, ex, entry, "generation");
    case "POST /v1/images/edits":
      return handleImages(state, ex, entry, "edit");
    case "POST /v1/responses":
      return handleResponses(state, ex, entry);
    case "GET /v1/models":
      entry.bodyBytes = (await readBody(ex.req)).length;
      requireAuth(ex.req, state.apiKey);
      return sendJson(ex.res, 200, listModels());
    default:
      entry.bodyBytes = (await readBody(ex.req)).length;
      throw notFound(method, path);
  }
}

/** Test controls. No auth: they only exist on the simulator, which listens on loopback. */
async function handleControl(state: State, ex: Exchange, path: string): Promise<void> {
  const { res } = ex;
  const method = ex.req.method ?? "GET";
  const body = await readBody(ex.req);
  switch (`${method} ${path}`) {
    case "POST /__sim/script":
      return addScript(state, res, body);
    case "GET /__sim/script":
      return sendJson(res, 200, { scripts: state.script.pending() });
    case "DELETE /__sim/script":
      state.script.clear();
      return sendJson(res, 200, { cleared: true });
    case "GET /__sim/requests":
      return sendJson(res, 200, state.requests);
    case "DELETE /__sim/requests":
      // Emptied in place: callers hold the same array through Simulator.requests.
      state.requests.length = 0;
      return sendJson(res, 200, { cleared: true });
    default:
      throw notFound(method, path);
  }
}

function addScript(state: State, res: ServerResponse, body: Buffer): void {
  let parsed: z.infer<typeof scriptSchema>;
  try {
    parsed = scriptSchema.parse(JSON.parse(body.toString("utf8")));
  } catch {
    throw invalidRequest('Expected a JSON body {"match": string, "faults": [spec, ...]}.', null);
  }
  try {
    state.script.add(parsed.match, parsed.faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw invalidRequest(error.message, "faults", "invalid_fault_spec");
    throw error;
  }
  sendJson(res, 200, { queued: parsed.faults.length, scripts: state.script.pending() });
}

async function route(state: State, ex: Exchange): Promise<void> {
  const path = new URL(ex.req.url ?? "/", "http://simulator.invalid").pathname;
  if (path === "/health") return sendJson(ex.res, 200, { status: "ok" });
  if (path.startsWith("/__sim/")) return handleControl(state, ex, path);
  if (path.startsWith("/v1/")) return handleV1(state, ex, path);
  throw notFound(ex.req.method ?? "GET", path);
}

function answerFailure(ex: Exchange, error: unknown): void {
  // A client that left needs no answer; its aborted waits end up here.
  if (ex.signal.aborted) return;
  if (error instanceof ApiError) return sendJson(ex.res, error.status, error.body, error.headers);
  console.error("simulator: request failed", error);
  if (ex.res.headersSent) ex.res.destroy();
  else sendJson(ex.res, 500, openAIError("The simulator failed to handle the request.", "server_error", null, null));
}

function handler(state: State) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    // Writes racing a client disconnect must not crash the process.
    res.on("error", () => controller.abort());
    const ex: Exchange = { req, res, started: performance.now(), signal: controller.signal };
    route(state, ex).catch((error: unknown) => answerFailure(ex, error));
  };
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const state: State = {
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    timing: {
      firstPartialMs: options.latency?.firstPartialMs ?? 0,
      betweenPartialsMs: options.latency?.betweenPartialsMs ?? 0,
      finalMs: options.latency?.finalMs ?? 0,
      textDeltaMs: options.latency?.textDeltaMs ?? 0,
    },
    allowTransparent: options.allowTransparent ?? false,
    grain: options.grain ?? 0,
    requests: [],
    script: new FaultScript(),
    nextId: 1,
    nextConnection: 1,
  };
  // Like the proxies in front of real gateways (nginx keeps 75 s), an idle connection stays open
  // for a while, so a client can reuse it for the next generation.
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler(state));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Stalled and streaming exchanges would otherwise keep close() waiting forever.
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://${urlHost(host)}:${port}/v1`, port, close, requests: state.requests };
}

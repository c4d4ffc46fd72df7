import "server-only";
import { Agent, fetch as undiciFetch } from "undici";
import { GatewayError } from "@/lib/gateway/errors";
import { mark } from "@/lib/trace";

/* The client's connections and timers: part of client.ts, apart so that module stays small. */

/**
 * Connections to the gateway, kept open between generations: Node's default drops an idle one
 * after 4 s, so a person's next prompt paid a new TCP (and, upstream, TLS) handshake before its
 * request even left. A server that announces a shorter keep-alive is still obeyed.
 */
const gatewayConnections = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });

type SdkFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & { Response: typeof Response };

export type StreamLimits = {
  signal?: AbortSignal;
  /** Whole-request limit, from the request's start. */
  deadlineMs: number;
  /** Longest silence (no bytes at all) tolerated once the request is sent. */
  idleMs: number;
  /** Called once the gateway has answered (status and headers), whatever the answer. */
  onAnswer?: () => void;
};

/** Aborts the request on cancel, on the deadline, or when no byte arrived for `idleMs`. */
export class Watchdog {
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

  /**
   * Fetch for the SDK: connections from the pool, an answer noted, an error body kept. It carries
   * `Response` because, for a multipart upload, the SDK otherwise probes the fetch with a request
   * of its own (`data:,`), which would count here as the gateway's answer.
   */
  readonly fetch: SdkFetch = Object.assign(
    async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
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
    },
    { Response },
  );

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

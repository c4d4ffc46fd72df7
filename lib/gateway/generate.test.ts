import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "@/lib/env";
import { GatewayError } from "@/lib/gateway/errors";
import type { GatewayEvent, ImageSink } from "@/lib/gateway/client";
import { generateImage, type ImageCall } from "@/lib/gateway/generate";
import { startSimulator, type Simulator } from "@/simulator/server";

/** The gateway client against the simulator over real HTTP: events, deadlines and error mapping. */
let sim: Simulator;
let gateway: Gateway;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, latency: { firstPartialMs: 20, betweenPartialsMs: 20, finalMs: 20 } });
  gateway = { baseURL: sim.url, apiKey: "sk-sim-local", label: "test", isSimulator: true };
});
afterAll(async () => sim.close());

const call = (prompt: string): ImageCall => ({ model: "gpt-image-2", prompt, size: "1024x1024", quality: "low", output_format: "png", background: "auto", moderation: "auto", partial_images: 2, user: "user-1" });

/** Images kept in memory: the bytes the reader decoded, as a buffer. */
const inMemory = (): ImageSink<Buffer> => {
  const parts: Buffer[] = [];
  return { write: (bytes) => void parts.push(Buffer.from(bytes)), end: () => Buffer.concat(parts), abort: () => void (parts.length = 0) };
};

async function collect(prompt: string, limits = { deadlineMs: 10_000, idleMs: 5_000 }, signal?: AbortSignal): Promise<GatewayEvent<Buffer>[]> {
  const out: GatewayEvent<Buffer>[] = [];
  for await (const event of generateImage(gateway, call(prompt), { ...limits, signal }, inMemory)) out.push(event);
  return out;
}

async function failure(prompt: string, limits?: { deadlineMs: number; idleMs: number }, signal?: AbortSignal): Promise<GatewayError> {
  try {
    await collect(prompt, limits, signal);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("generateImage", () => {
  it("yields the partials in order, then one completed event with usage and echo", async () => {
    const events = await collect("a quiet harbour");
    expect(events.map((e) => e.type)).toEqual(["partial", "partial", "completed"]);
    expect(events.slice(0, 2).map((e) => (e.type === "partial" ? e.index : -1))).toEqual([0, 1]);
    const done = events[2]!;
    expect(done.type === "completed" && done.usage?.total_tokens).toBeGreaterThan(0);
    expect(done.echo).toMatchObject({ size: "1024x1024", quality: "low", outputFormat: "png" });
    // The bytes are the PNG the gateway drew, decoded as they streamed.
    for (const event of events) expect(event.image.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const sent = sim.requests.at(-1)!;
    expect(sent.authorization).not.toContain("sk-sim-local");
    expect(sent.body).toMatchObject({ user: "user-1", stream: true });
  });

  it("reuses a connection for the next request once a stream is complete, never a cut one", async () => {
    const byPrompt = (prompt: string) => sim.requests.find((r) => r.body?.prompt === prompt)!;
    await collect("reuse one");
    await new Promise((r) => setTimeout(r, 50)); // the drain after `completed` hands the socket back
    const opened = Math.max(...sim.requests.map((r) => r.connection));
    await collect("reuse two");
    expect(byPrompt("reuse two").connection).toBeLessThanOrEqual(opened);
    const cut = await failure("reuse cut [[sim:reset-mid-stream]]");
    expect(cut.code).toBe("connection_reset");
    await collect("reuse three");
    expect(byPrompt("reuse three").connection).not.toBe(byPrompt("reuse cut [[sim:reset-mid-stream]]").connection);
  });

  it("keeps an idle connection past Node's 4 s default, for a person's next prompt", async () => {
    await collect("idle one");
    await new Promise((r) => setTimeout(r, 4_500));
    const opened = Math.max(...sim.requests.map((r) => r.connection));
    await collect("idle two");
    expect(sim.requests.find((r) => r.body?.prompt === "idle two")!.connection).toBeLessThanOrEqual(opened);
  }, 10_000);

  it("ends on the whole-request deadline even while keep-alives flow", async () => {
    const error = await failure("deadline [[sim:slow:4000,keepalive]]", { deadlineMs: 1000, idleMs: 800 });
    expect(error.kind).toBe("timeout");
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("No image within 1 s.");
  });

  it("ends when the gateway goes silent past the idle limit", async () => {
    const error = await failure("silent [[sim:stall-before]]", { deadlineMs: 10_000, idleMs: 300 });
    expect(error.code).toBe("idle_timeout");
  });

  it("stops the upstream request when its signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await failure("abort me [[sim:stall-mid]]", undefined, controller.signal);
    expect(error.kind).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.requests.find((r) => String(r.body?.prompt).startsWith("abort me"))?.completed).toBe(false);
  });

  it("maps sub2api's 401 body, and never puts the key in a message", async () => {
    const bad = { ...gateway, apiKey: "sk-wrong-key-123" };
    let caught: GatewayError | undefined;
    try {
      for await (const event of generateImage(bad, call("no key"), { deadlineMs: 5000, idleMs: 5000 }, inMemory)) void event;
    } catch (error) {
      caught = error as GatewayError;
    }
    expect(caught).toMatchObject({ kind: "auth", code: "INVALID_API_KEY" });
    expect(caught?.message).toMatch(/Invalid API key/);
    expect(caught?.message).not.toContain("sk-wrong");
  });
});

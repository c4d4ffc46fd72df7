import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "@/lib/env";
import type { GatewayEvent, ImageSink } from "@/lib/gateway/client";
import { GatewayError } from "@/lib/gateway/errors";
import { respondWithImageTool, type ResponsesCall } from "@/lib/gateway/responses";

/**
 * The Responses API client against a small local server streaming what OpenAI streams for the
 * image_generation tool (the simulator has no /v1/responses). The final image is over the
 * reader's 1 MB cap on non-image fields, and nested in its output item, as upstream sends it.
 */
const PNG = Buffer.from("89504e470d0a1a0a", "hex");
const partials = [Buffer.concat([PNG, randomBytes(3000)]), Buffer.concat([PNG, randomBytes(4000)])];
const final = Buffer.concat([PNG, randomBytes(1_500_000)]);
const echo = { size: "1024x1024", quality: "low", background: "opaque", output_format: "png" };
const usage = { input_tokens: 120, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1800, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 1920 };

let sequence = 0;
const sse = (type: string, data: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
const imageItem = { id: "ig_1", type: "image_generation_call", status: "completed", result: final.toString("base64"), revised_prompt: "A quiet harbour at dawn", ...echo };
const textItem = { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Here is your harbour." }] };
const response = (status: string, output: unknown[], extra: Record<string, unknown> = {}) => ({ response: { id: "resp_1", object: "response", status, model: "gpt-5.5", output, ...extra } });

const opening = () => [
  sse("response.created", response("in_progress", [])),
  ": keep-alive\n\n",
  sse("response.in_progress", response("in_progress", [])),
  sse("response.output_item.added", { output_index: 0, item: { id: "ig_1", type: "image_generation_call", status: "in_progress" } }),
  sse("response.image_generation_call.in_progress", { output_index: 0, item_id: "ig_1" }),
  sse("response.image_generation_call.generating", { output_index: 0, item_id: "ig_1" }),
  ...partials.map((image, index) =>
    sse("response.image_generation_call.partial_image", { output_index: 0, item_id: "ig_1", partial_image_index: index, partial_image_b64: image.toString("base64"), ...echo }),
  ),
  sse("response.image_generation_call.completed", { output_index: 0, item_id: "ig_1" }),
  sse("response.output_item.done", { output_index: 0, item: imageItem }),
];
const talk = () => [
  sse("response.output_item.added", { output_index: 1, item: { ...textItem, status: "in_progress", content: [] } }),
  sse("response.output_text.delta", { output_index: 1, item_id: "msg_1", content_index: 0, delta: "Here is " }),
  sse("response.output_text.delta", { output_index: 1, item_id: "msg_1", content_index: 0, delta: "your harbour." }),
  sse("response.output_item.done", { output_index: 1, item: textItem }),
];

/** What the server streams, picked by the prompt. */
const scripts: Record<string, () => string[]> = {
  whole: () => [...opening(), ...talk(), sse("response.completed", response("completed", [imageItem, textItem], { usage }))],
  "error mid-stream": () => [...opening(), "event: error\ndata: " + JSON.stringify({ type: "error", code: "server_error", message: "The model failed to finish.", param: null }) + "\n\n"],
  "text only": () => [sse("response.created", response("in_progress", [])), ...talk(), sse("response.completed", response("completed", [textItem], { usage }))],
};

type Received = { path: string; authorization?: string; body: Record<string, unknown> };
const received: Received[] = [];
let server: http.Server;
let gateway: Gateway;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      received.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "text/event-stream" });
      void streamOut(res, scripts[promptOf(body)]!().join(""));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway = { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: "sk-test-key", label: "test", isSimulator: false };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function promptOf(body: Record<string, unknown>): string {
  const [turn] = body.input as { content: { type: string; text?: string }[] }[];
  return turn!.content.find((part) => part.type === "input_text")!.text!;
}

/** Cut at odd places, so messages and images straddle chunks as they do on a network. */
async function streamOut(res: http.ServerResponse, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += 65_521) {
    res.write(bytes.subarray(at, at + 65_521));
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

const call = (prompt: string, extra: Partial<ResponsesCall> = {}): ResponsesCall => ({
  model: "gpt-5.5",
  prompt,
  tool: { size: "1024x1024", quality: "low", output_format: "png", background: "opaque", moderation: "low", partial_images: 2 },
  user: "user-1",
  ...extra,
});

type Held = { bytes: Buffer; aborted: boolean };
function recorder() {
  const sinks: Held[] = [];
  const open = (): ImageSink<Held> => {
    const held: Held = { bytes: Buffer.alloc(0), aborted: false };
    const parts: Buffer[] = [];
    sinks.push(held);
    return { write: (bytes) => void parts.push(Buffer.from(bytes)), end: () => ((held.bytes = Buffer.concat(parts)), held), abort: () => void (held.aborted = true) };
  };
  return { sinks, open };
}

async function collect(prompt: string, extra?: Partial<ResponsesCall>) {
  const { sinks, open } = recorder();
  const events: GatewayEvent<Held>[] = [];
  let error: unknown;
  try {
    for await (const event of respondWithImageTool(gateway, call(prompt, extra), { deadlineMs: 10_000, idleMs: 5_000 }, open)) events.push(event);
  } catch (thrown) {
    error = thrown;
  }
  return { events, sinks, error };
}

describe("respondWithImageTool", () => {
  it("yields the partials, then the item's image with the response's usage and the agent's text", async () => {
    const { events, sinks, error } = await collect("whole");
    expect(error).toBeUndefined();
    expect(events.map((e) => (e.type === "partial" ? `partial ${e.index}` : e.type))).toEqual(["partial 0", "partial 1", "completed"]);
    expect(events.slice(0, 2).map((e) => e.image.bytes.equals(partials[e.type === "partial" ? e.index : 0]!))).toEqual([true, true]);
    const done = events[2]!;
    expect(done.image.bytes.equals(final)).toBe(true);
    expect(done).toMatchObject({
      echo: { size: "1024x1024", quality: "low", background: "opaque", outputFormat: "png" },
      usage: { input_tokens: 120, output_tokens: 1800, total_tokens: 1920 },
      revisedPrompt: "A quiet harbour at dawn",
      text: "Here is your harbour.",
    });
    // The copy of the picture inside response.completed went to a sink too, and was dropped.
    expect(sinks.map((sink) => sink.aborted)).toEqual([false, false, false, true]);
  });

  it("asks for the image_generation tool, forced, streamed, with the agent model", async () => {
    const image = { bytes: Buffer.concat([PNG, randomBytes(64)]), type: "image/png" };
    await collect("whole", { images: [image] });
    const sent = received.at(-1)!;
    expect(sent.path).toBe("/v1/responses");
    expect(sent.authorization).toBe("Bearer sk-test-key");
    expect(sent.body).toMatchObject({
      model: "gpt-5.5",
      stream: true,
      user: "user-1",
      tool_choice: { type: "image_generation" },
      tools: [{ type: "image_generation", size: "1024x1024", quality: "low", output_format: "png", background: "opaque", moderation: "low", partial_images: 2 }],
      input: [{ role: "user", content: [{ type: "input_text", text: "whole" }, { type: "input_image", image_url: `data:image/png;base64,${image.bytes.toString("base64")}` }] }],
    });
  });

  it("turns an `event: error` mid-stream into a GatewayError, dropping the image it held", async () => {
    const { events, sinks, error } = await collect("error mid-stream");
    expect(events.map((e) => e.type)).toEqual(["partial", "partial"]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "upstream", code: "server_error" });
    expect((error as GatewayError).message).toMatch(/The model failed to finish/);
    expect(sinks.at(-1)).toMatchObject({ aborted: true });
    expect(sinks.at(-1)!.bytes.equals(final)).toBe(true);
  });

  it("fails a response that ends with text and no image, quoting the text", async () => {
    const { events, error } = await collect("text only");
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: "upstream", code: "no_image" });
    expect((error as GatewayError).message).toMatch(/Here is your harbour/);
  });
});

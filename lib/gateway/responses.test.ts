import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "@/lib/env";
import type { ImageSink } from "@/lib/gateway/client";
import { GatewayError } from "@/lib/gateway/errors";
import { converse, type ConversationCall, type ConversationEvent } from "@/lib/gateway/responses";

/**
 * The Responses API client against a small local server streaming what OpenAI streams for the
 * image_generation tool, so every shape (and misshape) is at hand. The final image is over the
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

const toolUsage = { input_tokens: 50, input_tokens_details: { image_tokens: 40, text_tokens: 10 }, output_tokens: 1372, output_tokens_details: { image_tokens: 1372, text_tokens: 0 }, total_tokens: 1422 };
const secondItem = { ...imageItem, id: "ig_2", result: partials[1]!.toString("base64"), revised_prompt: "The harbour at dusk" };
// A 1.5 MB mask's data URL, echoed in the response's copy of the tools as real gateways do.
const echoedTools = { tools: [{ type: "image_generation", input_image_mask: { image_url: `data:image/png;base64,${final.toString("base64")}` } }] };
const refusal = { code: "moderation_blocked", message: "Your request was rejected by the safety system.", type: "image_generation_user_error" };

/** What the server streams, picked by the text of the last message. */
const scripts: Record<string, () => string[]> = {
  whole: () => [...opening(), ...talk(), sse("response.completed", response("completed", [imageItem, textItem], { usage, tool_usage: { image_gen: toolUsage } }))],
  "error mid-stream": () => [...opening(), "event: error\ndata: " + JSON.stringify({ type: "error", code: "server_error", message: "The model failed to finish.", param: null }) + "\n\n"],
  "text only": () => [sse("response.created", response("in_progress", [])), ...talk(), sse("response.completed", response("completed", [textItem], { usage }))],
  "refused mid-stream": () => [sse("response.created", response("in_progress", [])), sse("response.failed", response("failed", [], { error: refusal }))],
  "two pictures": () => [
    ...opening(),
    sse("response.image_generation_call.in_progress", { output_index: 1, item_id: "ig_2" }),
    sse("response.output_item.done", { output_index: 1, item: secondItem }),
    sse("response.completed", response("completed", [imageItem, secondItem], { usage })),
  ],
  "tool gave nothing": () => [
    sse("response.image_generation_call.in_progress", { output_index: 0, item_id: "ig_1" }),
    sse("response.output_item.done", { output_index: 0, item: { id: "ig_1", type: "image_generation_call", status: "failed", result: null } }),
    ...talk(),
    sse("response.completed", response("completed", [], { usage })),
  ],
  "mask echoed": () => [sse("response.created", response("in_progress", [], echoedTools)), ...talk(), sse("response.completed", response("completed", [textItem], { usage, ...echoedTools }))],
  "cut after the image": () => opening(),
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
  const turn = (body.input as { content: { type: string; text?: string }[] }[]).at(-1);
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

const call = (prompt: string, extra: Partial<ConversationCall> = {}): ConversationCall => ({
  model: "gpt-5.5",
  input: [{ role: "user", content: [{ type: "input_text", text: prompt }] }],
  tool: { size: "1024x1024", quality: "low", output_format: "png", background: "opaque", partial_images: 2, action: "auto" },
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

async function collect(prompt: string, extra?: Partial<ConversationCall>) {
  const { sinks, open } = recorder();
  const events: ConversationEvent<Held>[] = [];
  let error: unknown;
  try {
    for await (const event of converse(gateway, call(prompt, extra), { deadlineMs: 10_000, idleMs: 5_000 }, open)) events.push(event);
  } catch (thrown) {
    error = thrown;
  }
  return { events, sinks, error };
}

const kinds = (events: ConversationEvent<Held>[]) => events.map((e) => (e.type === "partial" ? `partial ${e.index}` : e.type === "text" ? `text ${e.delta}` : e.type));

describe("converse", () => {
  it("yields the tool's partials and picture as they come, the text deltas, then the usages of both models", async () => {
    const { events, sinks, error } = await collect("whole");
    expect(error).toBeUndefined();
    expect(kinds(events)).toEqual(["drawing", "partial 0", "partial 1", "completed", "text Here is ", "text your harbour.", "done"]);
    const [, first, second, picture, , , done] = events;
    expect([first, second].map((e) => e?.type === "partial" && e.image.bytes.equals(partials[e.index]!))).toEqual([true, true]);
    expect(picture).toMatchObject({ type: "completed", usage: null, revisedPrompt: "A quiet harbour at dawn", echo: { size: "1024x1024", quality: "low", background: "opaque", outputFormat: "png" } });
    expect(picture?.type === "completed" && picture.image.bytes.equals(final)).toBe(true);
    expect(done).toEqual({
      type: "done",
      usage: expect.objectContaining({ input_tokens: 120, output_tokens: 1800, total_tokens: 1920 }) as unknown,
      toolUsage: expect.objectContaining({ input_tokens: 50, output_tokens: 1372, output_tokens_details: { image_tokens: 1372, text_tokens: 0 } }) as unknown,
      text: "Here is your harbour.",
      toolCalls: 1,
      images: 1,
    });
    // The copy of the picture inside response.completed went to a sink too, and was dropped.
    expect(sinks.map((sink) => sink.aborted)).toEqual([false, false, false, true]);
  });

  it("sends the conversation as given, the tool declared with tool_choice auto, its action and the mask", async () => {
    const image = { bytes: Buffer.concat([PNG, randomBytes(64)]), type: "image/png" };
    const mask = { bytes: Buffer.concat([PNG, randomBytes(32)]), type: "image/png" };
    const url = (i: typeof image) => `data:image/png;base64,${i.bytes.toString("base64")}`;
    const input: ConversationCall["input"] = [
      { role: "user", content: [{ type: "input_text", text: "a harbour" }] },
      { role: "assistant", content: [{ type: "output_text", text: "Here it is." }] },
      { role: "user", content: [{ type: "input_text", text: "whole" }, { type: "input_image", image_url: url(image) }] },
    ];
    await collect("whole", { input, tool: { ...call("").tool, output_format: "webp", output_compression: 80, action: "edit", mask } });
    const sent = received.at(-1)!;
    expect(sent.path).toBe("/v1/responses");
    expect(sent.authorization).toBe("Bearer sk-test-key");
    expect(sent.body).toEqual({
      model: "gpt-5.5",
      stream: true,
      user: "user-1",
      tool_choice: "auto",
      tools: [
        { type: "image_generation", size: "1024x1024", quality: "low", output_format: "webp", output_compression: 80, background: "opaque", partial_images: 2, action: "edit", input_image_mask: { image_url: url(mask) } },
      ],
      input,
    });
    expect(sent.body).not.toHaveProperty("previous_response_id");
  });

  it("takes a text-only answer as a whole answer, with no tool call", async () => {
    const { events, error } = await collect("text only");
    expect(error).toBeUndefined();
    expect(kinds(events)).toEqual(["text Here is ", "text your harbour.", "done"]);
    expect(events.at(-1)).toMatchObject({ toolUsage: null, toolCalls: 0, images: 0, text: "Here is your harbour." });
  });

  it("hands on each picture of a response that calls the tool twice", async () => {
    const { events, error } = await collect("two pictures");
    expect(error).toBeUndefined();
    expect(kinds(events)).toEqual(["drawing", "partial 0", "partial 1", "completed", "drawing", "completed", "done"]);
    expect(events.filter((e) => e.type === "completed").map((e) => e.revisedPrompt)).toEqual(["A quiet harbour at dawn", "The harbour at dusk"]);
    expect(events.at(-1)).toMatchObject({ toolUsage: null, toolCalls: 2, images: 2 });
  });

  it("counts a tool call that gave no picture, and goes on", async () => {
    const { events, sinks, error } = await collect("tool gave nothing");
    expect(error).toBeUndefined();
    expect(kinds(events)).toEqual(["drawing", "text Here is ", "text your harbour.", "done"]);
    expect(events.at(-1)).toMatchObject({ toolCalls: 1, images: 0 });
    expect(sinks).toEqual([]);
  });

  it("reads a response whose echoed tools carry a mask larger than the reader holds", async () => {
    const { events, sinks, error } = await collect("mask echoed");
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "done", text: "Here is your harbour." });
    expect(sinks.every((sink) => sink.aborted)).toBe(true);
  });

  it("turns an `event: error` mid-stream into a GatewayError, after the partials it sent", async () => {
    const { events, error } = await collect("error mid-stream");
    expect(kinds(events)).toEqual(["drawing", "partial 0", "partial 1", "completed"]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: "upstream", code: "server_error" });
    expect((error as GatewayError).message).toMatch(/The model failed to finish/);
  });

  it("reads a failed response's refusal as a refusal (never retried), not an upstream error", async () => {
    const { events, error } = await collect("refused mid-stream");
    expect(events).toEqual([]);
    expect(error).toMatchObject({ kind: "moderation", code: "moderation_blocked" });
    expect((error as GatewayError).message).toMatch(/safety system refused this prompt: Your request was rejected/);
  });

  it("says the response was cut short when the stream ends before response.completed", async () => {
    const { events, error } = await collect("cut after the image");
    expect(events.at(-1)?.type).toBe("completed");
    expect(error).toMatchObject({ kind: "bad_response", code: "truncated_stream" });
    expect((error as GatewayError).message).toMatch(/before the response was complete/);
  });
});

import { createHash } from "node:crypto";
import OpenAI from "openai";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeImage } from "../lib/images/inspect";
import type { ResponsesLog } from "./responses-input";
import { startSimulator, type Simulator } from "./server";

/** POST /v1/responses with the image_generation tool, through real HTTP and the official client. */
const KEY = "sk-test-key-123";
const SIDE = 1024;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: KEY });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await fetch(`${root()}/__sim/script`, { method: "DELETE" });
  await fetch(`${root()}/__sim/requests`, { method: "DELETE" });
});

function root(): string {
  return sim.url.replace(/\/v1$/, "");
}

function respond(body: unknown, headers: Record<string, string> = {}, url = sim.url): Promise<Response> {
  return fetch(`${url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

type Event = Record<string, unknown> & { type: string };

/** The SSE stream's events in order (comments skipped), each event's data parsed. */
async function events(response: Response): Promise<Event[]> {
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n"))
    .filter((data) => data !== "")
    .map((data) => JSON.parse(data) as Event);
}

const tool = (fields: Record<string, unknown> = {}) => ({ type: "image_generation", size: "1536x1024", quality: "low", ...fields });
const ask = (text: string, fields: Record<string, unknown> = {}) => ({
  model: "gpt-5.5",
  input: [{ role: "user", content: [{ type: "input_text", text }] }],
  tools: [tool()],
  tool_choice: "auto",
  stream: true,
  ...fields,
});

function dataUrl(bytes: Buffer, type = "image/png"): string {
  return `data:${type};base64,${bytes.toString("base64")}`;
}

async function noisyPng(): Promise<Buffer> {
  return sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .png()
    .toBuffer();
}

async function solidPng(colour: string, width = SIDE, height = SIDE): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/** Left half opaque (keep), right half transparent (repaint). */
async function halfMask(width = SIDE, height = SIDE): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[(y * width + x) * 4 + 3] = x < width / 2 ? 255 : 0;
  return sharp(pixels, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

type ImageItem = { type: "image_generation_call"; id: string; status: string; result: string; revised_prompt: string; size: string; quality: string; output_format: string; background: string };
type Completed = {
  response: {
    status: string;
    previous_response_id: unknown;
    output: ({ type: string } & Record<string, unknown>)[];
    usage: { input_tokens: number; input_tokens_details: { cached_tokens: number }; output_tokens: number; total_tokens: number };
    tool_usage?: {
      image_gen: {
        input_tokens: number;
        input_tokens_details: { text_tokens: number; image_tokens: number };
        output_tokens: number;
        output_tokens_details: { image_tokens: number; text_tokens: number };
      };
    };
  };
};

const byType = (list: Event[], type: string) => list.filter((event) => event.type === type);
const completedOf = (list: Event[]) => list.at(-1) as unknown as Completed & Event;
const textOf = (list: Event[]) => byType(list, "response.output_text.delta").map((event) => event.delta as string).join("");
const imageOf = (list: Event[]) =>
  byType(list, "response.output_item.done").map((event) => event.item as ImageItem).find((item) => item.type === "image_generation_call");
const logged = () => sim.requests.at(-1)?.body as ResponsesLog | undefined;

describe("answers", () => {
  it("answers a message that asks for no picture in text only", async () => {
    const list = await events(await respond(ask("hello, how are you today?")));
    expect(list.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array<string>(5).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const { response } = completedOf(list);
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: textOf(list) }] });
    expect(textOf(list)).toContain("hello, how are you today?");
    expect(response.usage.output_tokens).toBe(Math.ceil(textOf(list).length / 4));
    expect(response.tool_usage).toBeUndefined();
    expect(list.map((event) => event.sequence_number)).toEqual(list.map((_, index) => index));
  });

  it("calls the tool: partials, then the image item, the message and the completed response with both usages", async () => {
    const list = await events(await respond(ask("draw a lighthouse on a cliff at dusk", { tools: [tool({ partial_images: 2 })] })));
    expect(list.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array<string>(5).fill("response.output_text.delta"),
      "response.output_item.added",
      "response.image_generation_call.in_progress",
      "response.image_generation_call.generating",
      "response.image_generation_call.partial_image",
      "response.image_generation_call.partial_image",
      "response.image_generation_call.completed",
      "response.output_item.done",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const partials = byType(list, "response.image_generation_call.partial_image");
    expect(partials.map((event) => event.partial_image_index)).toEqual([0, 1]);
    for (const partial of partials) {
      expect(await decodeImage(Buffer.from(partial.partial_image_b64 as string, "base64"))).toEqual({ format: "png", width: 1536, height: 1024 });
    }
    const item = imageOf(list);
    expect(item).toMatchObject({ id: expect.stringMatching(/^ig_/) as string, status: "completed", size: "1536x1024", quality: "low", output_format: "png", background: "opaque" });
    expect(item?.revised_prompt).toContain("lighthouse");
    expect(await decodeImage(Buffer.from(item?.result ?? "", "base64"))).toEqual({ format: "png", width: 1536, height: 1024 });

    const { response } = completedOf(list);
    expect(response.status).toBe("completed");
    expect(response.output.map((output) => output.type)).toEqual(["message", "image_generation_call"]);
    expect(response.usage).toMatchObject({ input_tokens: Math.ceil("draw a lighthouse on a cliff at dusk".length / 4), input_tokens_details: { cached_tokens: 0 } });
    expect(response.usage.total_tokens).toBe(response.usage.input_tokens + response.usage.output_tokens);
    const image = response.tool_usage?.image_gen;
    expect(image?.input_tokens).toBe((image?.input_tokens_details.text_tokens ?? 0) + (image?.input_tokens_details.image_tokens ?? 0));
    expect(image?.input_tokens_details.image_tokens).toBe(0);
    // 1536x1024 at low quality, and 100 tokens for each partial (usage.ts).
    expect(image?.output_tokens_details).toEqual({ image_tokens: 408 + 200, text_tokens: 0 });
  });

  it.each([
    ["make it warmer", "auto", false, true],
    ["now a vertical version", "auto", false, true],
    ["thanks, that is lovely", "auto", false, false],
    ["thanks, that is lovely", "auto", true, true],
    ["draw a fox", "none", false, false],
    ["hello", "required", false, true],
    ["hello", { type: "image_generation" }, false, true],
  ] as const)("decides on %j with tool_choice %j (image attached: %s): tool %s", async (text, choice, withImage, calls) => {
    const content: unknown[] = [{ type: "input_text", text }];
    if (withImage) content.push({ type: "input_image", image_url: dataUrl(await solidPng("#336699")) });
    const response = await respond(ask(text, { input: [{ role: "user", content }], tool_choice: choice, stream: false, tools: [tool({ size: "1024x1024" })] }));
    expect(response.status).toBe(200);
    const json = (await response.json()) as Completed["response"];
    expect(json.output.some((output) => output.type === "image_generation_call")).toBe(calls);
    expect(json.tool_usage !== undefined).toBe(calls);
  });

  it("answers without streaming too", async () => {
    const response = await respond(ask("paint a red boat", { stream: false, tools: [tool({ output_format: "webp", output_compression: 60 })] }));
    expect(response.headers.get("content-type")).toBe("application/json");
    const json = (await response.json()) as Completed["response"] & { object: string };
    expect(json.object).toBe("response");
    const item = json.output.find((output) => output.type === "image_generation_call") as unknown as ImageItem;
    expect(await decodeImage(Buffer.from(item.result, "base64"))).toEqual({ format: "webp", width: 1536, height: 1024 });
    expect(json.tool_usage?.image_gen.output_tokens).toBeGreaterThan(0);
  });

  it("spaces the text deltas by the latency options", async () => {
    const slow = await startSimulator({ port: 0, apiKey: KEY, latency: { textDeltaMs: 40 } });
    try {
      const response = await respond(ask("hello there"), {}, slow.url);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const arrivals: number[] = [];
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        for (let at = chunk.value.indexOf("output_text.delta"); at >= 0; at = chunk.value.indexOf("output_text.delta", at + 1)) arrivals.push(performance.now());
      }
      // Each delta is named twice (event: and its type).
      expect(arrivals).toHaveLength(10);
      expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(4 * 40 - 10);
    } finally {
      await slow.close();
    }
  });
});

describe("input images and the mask", () => {
  it("edits the latest input image only where the mask is transparent, and logs what was sent", async () => {
    const earlier = await solidPng("#204060");
    const latest = await noisyPng();
    const mask = await halfMask();
    const body = {
      model: "gpt-5.5",
      input: [
        { role: "user", content: [{ type: "input_text", text: "draw a harbour" }, { type: "input_image", image_url: dataUrl(earlier) }] },
        { role: "assistant", content: [{ type: "output_text", text: "Here is your harbour." }] },
        { role: "user", content: [{ type: "input_text", text: "put a red boat on the right" }, { type: "input_image", image_url: dataUrl(latest) }] },
      ],
      tools: [tool({ size: "1024x1024", action: "edit", input_image_mask: { image_url: dataUrl(mask) } })],
      tool_choice: { type: "image_generation" },
      stream: true,
    };
    const list = await events(await respond(body));
    const item = imageOf(list);
    expect(item?.revised_prompt).toMatch(/edited/);
    const [before, after] = await Promise.all([
      sharp(latest).raw().toBuffer(),
      sharp(Buffer.from(item?.result ?? "", "base64")).removeAlpha().raw().toBuffer(),
    ]);
    let keptSame = 0;
    let kept = 0;
    let painted = 0;
    let paintedDiffer = 0;
    for (let y = 0; y < SIDE; y += 7) {
      for (let x = 0; x < SIDE; x += 7) {
        const at = (y * SIDE + x) * 3;
        const same = before[at] === after[at] && before[at + 1] === after[at + 1] && before[at + 2] === after[at + 2];
        if (x < SIDE / 2) [kept, keptSame] = [kept + 1, keptSame + (same ? 1 : 0)];
        else [painted, paintedDiffer] = [painted + 1, paintedDiffer + (same ? 0 : 1)];
      }
    }
    expect(keptSame).toBe(kept);
    expect(paintedDiffer).toBeGreaterThan(painted * 0.9);

    const { response } = completedOf(list);
    // Two input images at 85 tokens each for the text model; the edited one, in 512 px tiles, for the tool.
    const chars = "draw a harbour".length + "Here is your harbour.".length + "put a red boat on the right".length;
    expect(response.usage.input_tokens).toBe(Math.ceil(chars / 4) + 2 * 85);
    expect(response.tool_usage?.image_gen.input_tokens_details.image_tokens).toBe(4 * 65);

    expect(logged()).toEqual({
      model: "gpt-5.5",
      messages: [
        { role: "user", text: "draw a harbour", images: 1 },
        { role: "assistant", text: "Here is your harbour.", images: 0 },
        { role: "user", text: "put a red boat on the right", images: 1 },
      ],
      tools: [expect.objectContaining({ type: "image_generation", action: "edit", input_image_mask: { image_url: expect.stringMatching(/^data:image\/png;base64,.*chars\)$/) as string } })],
      tool_choice: { type: "image_generation" },
      stream: true,
      user: null,
      previousResponseId: null,
      inputImages: [
        { width: SIDE, height: SIDE, format: "png", sha256: sha256(earlier) },
        { width: SIDE, height: SIDE, format: "png", sha256: sha256(latest) },
      ],
      mask: { width: SIDE, height: SIDE, alpha: true, transparentShare: 0.5 },
    });
  });

  it("accepts previous_response_id, logs it, and answers from the input alone", async () => {
    const list = await events(await respond(ask("hello again", { previous_response_id: "resp_earlier123" })));
    expect(completedOf(list).response.previous_response_id).toBeNull();
    expect(textOf(list)).toContain("hello again");
    expect(logged()).toMatchObject({ previousResponseId: "resp_earlier123", messages: [{ role: "user", text: "hello again", images: 0 }] });
  });
});

describe("validation", () => {
  const image = async () => dataUrl(await noisyPng());
  const cases: [string, () => Promise<Record<string, unknown>>, string, RegExp][] = [
    ["an image model as model", async () => ask("a fox", { model: "gpt-image-2" }), "model", /Responses API takes a text model/],
    ["no model", async () => ({ ...ask("a fox"), model: undefined }), "model", /Missing required parameter: 'model'/],
    ["no input", async () => ({ ...ask("a fox"), input: undefined }), "input", /Missing required parameter: 'input'/],
    ["an unknown role", async () => ask("", { input: [{ role: "robot", content: "hi" }] }), "input[0].role", /Supported values are/],
    [
      "input_text from the assistant",
      async () => ask("", { input: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "input_text", text: "x" }] }] }),
      "input[1].content[0].type",
      /'output_text', 'refusal'/,
    ],
    [
      "an input image that is no image",
      async () => ask("", { input: [{ role: "user", content: [{ type: "input_text", text: "x" }, { type: "input_image", image_url: dataUrl(Buffer.from("GIF89a not really")) }] }] }),
      "input[0].content[1].image_url",
      /unsupported or unreadable image/,
    ],
    [
      "an image URL to fetch",
      async () => ask("", { input: [{ role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }] }),
      "input[0].content[0].image_url",
      /does not fetch image URLs/,
    ],
    ["a size off the 16 px grid", async () => ask("a fox", { tools: [tool({ size: "1000x1000" })] }), "tools[0].size", /divisible by 16/],
    ["an unknown quality", async () => ask("a fox", { tools: [tool({ quality: "ultra" })] }), "tools[0].quality", /Invalid value: 'ultra'/],
    ["too many partials", async () => ask("a fox", { tools: [tool({ partial_images: 4 })] }), "tools[0].partial_images", /integer above maximum value/],
    ["an unknown tool field", async () => ask("a fox", { tools: [tool({ colour: "blue" })] }), "tools[0].colour", /Unknown parameter: 'tools\[0\].colour'/],
    ["input_fidelity", async () => ask("a fox", { tools: [tool({ input_fidelity: "high" })] }), "tools[0].input_fidelity", /not supported with gpt-image-2/],
    ["a transparent background", async () => ask("a fox", { tools: [tool({ background: "transparent" })] }), "tools[0].background", /Transparent background/],
    ["another kind of tool", async () => ask("a fox", { tools: [{ type: "web_search" }] }), "tools[0].type", /only 'image_generation'/],
    ["an unknown tool_choice", async () => ask("a fox", { tool_choice: "sometimes" }), "tool_choice", /Invalid value for 'tool_choice'/],
    ["a forced tool that is not declared", async () => ask("a fox", { tools: [], tool_choice: { type: "image_generation" } }), "tool_choice", /not found in 'tools'/],
    ["edit with no image", async () => ask("a fox", { tools: [tool({ action: "edit" })] }), "tools[0].action", /needs an input image/],
    [
      "a mask with no image",
      async () => ask("a fox", { tools: [tool({ input_image_mask: { image_url: dataUrl(await halfMask()) } })] }),
      "tools[0].input_image_mask",
      /needs an input image/,
    ],
    [
      "a mask of the wrong size",
      async () =>
        ask("", {
          input: [{ role: "user", content: [{ type: "input_text", text: "edit" }, { type: "input_image", image_url: await image() }] }],
          tools: [tool({ input_image_mask: { image_url: dataUrl(await halfMask(512, 512)) } })],
        }),
      "tools[0].input_image_mask",
      /512x512 but the latest input image is 1024x1024; they must be the same size/,
    ],
    [
      "a mask without alpha",
      async () =>
        ask("", {
          input: [{ role: "user", content: [{ type: "input_text", text: "edit" }, { type: "input_image", image_url: await image() }] }],
          tools: [tool({ input_image_mask: { image_url: dataUrl(await sharp(await noisyPng()).jpeg().toBuffer(), "image/jpeg") } })],
        }),
      "tools[0].input_image_mask",
      /must be a PNG image with an alpha channel/,
    ],
    ["an unknown field", async () => ask("a fox", { temperature_boost: 2 }), "temperature_boost", /Unknown parameter/],
  ];

  it.each(cases)("rejects %s with a 400 naming the param", async (_name, body, param, message) => {
    const response = await respond(await body());
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; type: string; param: string; code: string } };
    expect(error).toMatchObject({ type: "invalid_request_error", param });
    expect(error.message).toMatch(message);
  });

  it("answers a bad key with sub2api's 401 body", async () => {
    const response = await respond(ask("a fox"), { authorization: "Bearer nope" });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"code":"INVALID_API_KEY","message":"Invalid API key"}');
  });
});

describe("faults", () => {
  it("takes a marker from the last user message only, and refuses before streaming on moderation", async () => {
    const earlier = { role: "user", content: "a cat [[sim:status:503]]" };
    const ok = await respond(ask("", { input: [earlier, { role: "user", content: "hello" }] }));
    expect(ok.status).toBe(200);
    await ok.text();
    const moderated = await respond(ask("draw a fox [[sim:moderation]]"));
    expect(moderated.status).toBe(400);
    expect(((await moderated.json()) as { error: unknown }).error).toMatchObject({ type: "image_generation_user_error", code: "moderation_blocked" });
  });

  it("fails the tool mid-stream with response.failed on moderation;at=tool", async () => {
    const list = await events(await respond(ask("draw a fox", { tools: [tool({ partial_images: 1 })] }), { "x-sim-fault": "moderation;at=tool" }));
    expect(list.map((event) => event.type).slice(-3)).toEqual(["response.output_item.added", "response.image_generation_call.in_progress", "response.failed"]);
    expect(textOf(list)).not.toBe("");
    expect(list.at(-1)).toMatchObject({ response: { status: "failed", error: { code: "moderation_blocked" } } });
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, fault: "moderation;at=tool" });
  });

  it("plays the scripted queue matched on the last user message", async () => {
    await fetch(`${root()}/__sim/script`, { method: "POST", body: JSON.stringify({ match: "scripted-fox", faults: ["status:429;retry-after=3"] }) });
    const limited = await respond(ask("draw a scripted-fox"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    const after = await respond(ask("draw a scripted-fox"));
    expect(after.status).toBe(200);
    await after.text();
  });

  it("breaks the stream after the first partial on error-mid-stream", async () => {
    const list = await events(await respond(ask("draw a fox", { tools: [tool({ partial_images: 2 })] }), { "x-sim-fault": "error-mid-stream" }));
    expect(list.map((event) => event.type).slice(-2)).toEqual(["response.image_generation_call.partial_image", "error"]);
    expect(list.at(-1)).toMatchObject({ error: { code: "upstream_error" } });
  });

  it("spoils the tool's result, not its partials, on corrupt-b64", async () => {
    const list = await events(await respond(ask("draw a fox", { tools: [tool({ partial_images: 1 })] }), { "x-sim-fault": "corrupt-b64;mode=tail" }));
    const [partial] = byType(list, "response.image_generation_call.partial_image");
    expect(await decodeImage(Buffer.from(partial?.partial_image_b64 as string, "base64"))).toMatchObject({ width: 1536 });
    await expect(decodeImage(Buffer.from(imageOf(list)?.result ?? "", "base64"))).rejects.toThrow(/end marker/);
    expect(completedOf(list).type).toBe("response.completed");
  });
});

describe("openai SDK compatibility", () => {
  it("streams a tool call through responses.create({stream: true})", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: sim.url, maxRetries: 0 });
    const stream = await client.responses.create({
      model: "gpt-5.5",
      input: [{ role: "user", content: [{ type: "input_text", text: "draw a fox in the snow" }] }],
      tools: [{ type: "image_generation", size: "1024x1024", quality: "low", partial_images: 1 }],
      tool_choice: "auto",
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let result: string | null = null;
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.output_item.done" && event.item.type === "image_generation_call") result = event.item.result;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types).toContain("response.image_generation_call.partial_image");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toMatch(/fox/);
    expect(await decodeImage(Buffer.from(result ?? "", "base64"))).toEqual({ format: "png", width: 1024, height: 1024 });
    expect(completed?.usage?.input_tokens).toBeGreaterThan(0);
    expect((completed as unknown as Completed["response"]).tool_usage?.image_gen.output_tokens).toBeGreaterThan(0);
  });
});

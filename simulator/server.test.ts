import OpenAI, { toFile } from "openai";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeImage, inspectImage, NotAnImageError } from "../lib/images/inspect";
import { parseFaultSpec } from "./faults";
import { damage } from "./respond";
import { startSimulator, type Simulator } from "./server";

const KEY = "sk-test-key-123";
const SIZE = "1024x640";
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

function generate(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/images/generations`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function edit(form: FormData, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/images/edits`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, ...headers }, body: form });
}

const base = { model: "gpt-image-2", prompt: "a lighthouse on a cliff at dusk", size: SIZE };

type SseEvent = { event: string | null; data: string };

/** Minimal SSE reader: comments skipped, one event per blank-line-terminated block. */
async function readEvents(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  const events: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    const lines = block.split("\n").filter((line) => line !== "" && !line.startsWith(":"));
    if (lines.length === 0) continue;
    const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? null;
    const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
    events.push({ event, data });
  }
  return events;
}

async function imageInfo(b64: string) {
  return sharp(Buffer.from(b64, "base64")).metadata();
}

type UsageShape = {
  input_tokens: number;
  input_tokens_details: { image_tokens: number; text_tokens: number };
  output_tokens: number;
  output_tokens_details: { image_tokens: number; text_tokens: number };
  total_tokens: number;
};

function expectConsistentUsage(usage: UsageShape): void {
  expect(usage.input_tokens).toBe(usage.input_tokens_details.image_tokens + usage.input_tokens_details.text_tokens);
  expect(usage.output_tokens).toBe(usage.output_tokens_details.image_tokens + usage.output_tokens_details.text_tokens);
  expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
  expect(usage.output_tokens).toBeGreaterThan(0);
}

async function outputTokens(body: Record<string, unknown>): Promise<number> {
  const json = (await (await generate({ ...base, ...body })).json()) as { usage: UsageShape };
  return json.usage.output_tokens;
}

describe("basics and auth", () => {
  it("serves health and models", async () => {
    expect((await fetch(`${root()}/health`)).status).toBe(200);
    const models = await fetch(`${sim.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain("gpt-image-2");
  });

  it("answers a missing or wrong key with sub2api's 401 body", async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: "Bearer nope" }];
    for (const headers of headerSets) {
      const response = await fetch(`${sim.url}/images/generations`, { method: "POST", headers, body: JSON.stringify(base) });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('{"code":"INVALID_API_KEY","message":"Invalid API key"}');
    }
  });
});

describe("validation", () => {
  const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
    ["a size off the 16 px grid", { size: "1000x1000" }, "size", "Width and height must both be divisible by 16"],
    ["a too wide aspect", { size: "3840x1024" }, "size", "The long edge may be at most 3 times the short edge"],
    ["a transparent background", { background: "transparent" }, "background", /Transparent background/],
    ["stream with n>1", { stream: true, n: 2 }, "stream", "Streaming is only supported with n=1."],
    ["an unknown field", { colour: "blue" }, "colour", "Unknown parameter: 'colour'."],
    ["response_format", { response_format: "url" }, "response_format", /response_format/],
    ["an unknown model", { model: "dall-e-3" }, "model", /Invalid value: 'dall-e-3'/],
    ["n out of range", { n: 11 }, "n", /integer above maximum value/],
    ["partial_images out of range", { stream: true, partial_images: 4 }, "partial_images", /integer above maximum value/],
  ];
  it.each(cases)("rejects %s with an OpenAI-shaped 400", async (_name, fields, param, message) => {
    const response = await generate({ ...base, ...fields });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; type: string; param: string; code: string } };
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error).toHaveProperty("code");
  });

  it("rejects a body that is not JSON", async () => {
    const response = await generate("prompt=hello");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});

describe("generations", () => {
  it("returns a PNG of the exact size asked, with the contract's shape and usage", async () => {
    const response = await generate(base);
    expect(response.status).toBe(200);
    const json = (await response.json()) as Record<string, unknown> & { data: { b64_json: string; revised_prompt: string }[]; usage: UsageShape };
    expect(Object.keys(json)).toEqual(["created", "background", "model", "output_format", "quality", "size", "data", "usage"]);
    expect(json).toMatchObject({ background: "opaque", model: "gpt-image-2", output_format: "png", quality: "medium", size: SIZE });
    expect(json.data).toHaveLength(1);
    expect(json.data[0]?.revised_prompt).toContain(base.prompt);
    const info = await imageInfo(json.data[0]?.b64_json ?? "");
    expect([info.format, info.width, info.height]).toEqual(["png", 1024, 640]);
    expectConsistentUsage(json.usage);
    expect(json.usage.input_tokens_details.text_tokens).toBe(Math.ceil(base.prompt.length / 4));
  });

  it("echoes size auto as 1024x1024 and draws that", async () => {
    const json = (await (await generate({ ...base, size: "auto" })).json()) as { size: string; data: { b64_json: string }[] };
    expect(json.size).toBe("1024x1024");
    expect((await imageInfo(json.data[0]?.b64_json ?? "")).width).toBe(1024);
  });

  it.each(["jpeg", "webp"] as const)("encodes %s", async (format) => {
    const json = (await (await generate({ ...base, output_format: format, output_compression: 60 })).json()) as {
      output_format: string;
      data: { b64_json: string }[];
    };
    expect(json.output_format).toBe(format);
    const info = await imageInfo(json.data[0]?.b64_json ?? "");
    expect([info.format, info.width, info.height]).toEqual([format, 1024, 640]);
  });

  it("returns n distinct images", async () => {
    const json = (await (await generate({ ...base, n: 3 })).json()) as { data: { b64_json: string }[] };
    expect(json.data).toHaveLength(3);
    expect(new Set(json.data.map((d) => d.b64_json)).size).toBe(3);
  });

  it("bills more output tokens for more pixels and higher quality", async () => {
    const [low, high, bigger] = await Promise.all([
      outputTokens({ size: "1024x1024", quality: "low" }),
      outputTokens({ size: "1024x1024", quality: "high" }),
      outputTokens({ size: "1536x1024", quality: "low" }),
    ]);
    expect(high).toBeGreaterThan(low);
    expect(bigger).toBeGreaterThan(low);
  });

  it("streams K partials with indices 0..K-1, then the completed image", async () => {
    const response = await generate({ ...base, stream: true, partial_images: 3 });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events.map((e) => e.event)).toEqual([
      "image_generation.partial_image",
      "image_generation.partial_image",
      "image_generation.partial_image",
      "image_generation.completed",
    ]);
    const data = events.map((e) => JSON.parse(e.data) as Record<string, unknown> & { b64_json: string });
    expect(data.slice(0, 3).map((d) => d.partial_image_index)).toEqual([0, 1, 2]);
    for (const item of data) {
      expect(item).toMatchObject({ size: SIZE, quality: "medium", background: "opaque", output_format: "png" });
      const info = await imageInfo(item.b64_json);
      expect([info.width, info.height]).toEqual([1024, 640]);
    }
    const completed = data[3] as unknown as { type: string; usage: UsageShape; revised_prompt: string };
    expect(completed.type).toBe("image_generation.completed");
    expectConsistentUsage(completed.usage);
  });
});

describe("edits", () => {
  const width = 1024;
  const height = 1024;

  async function noisyPng(): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .png()
      .toBuffer();
  }

  /** Left half opaque (keep), right half transparent (repaint). */
  async function halfMask(w = width, h = height): Promise<Buffer> {
    const pixels = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) pixels[(y * w + x) * 4 + 3] = x < w / 2 ? 255 : 0;
    }
    return sharp(pixels, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
  }

  function form(image: Buffer, mask?: Buffer): FormData {
    const body = new FormData();
    body.append("model", "gpt-image-2");
    body.append("prompt", "paint a red boat on the right");
    body.append("size", "1024x1024");
    body.append("image[]", new Blob([new Uint8Array(image)], { type: "image/png" }), "input.png");
    if (mask) body.append("mask", new Blob([new Uint8Array(mask)], { type: "image/png" }), "mask.png");
    return body;
  }

  it("repaints only where the mask is transparent", async () => {
    const original = await noisyPng();
    const response = await edit(form(original, await halfMask()));
    expect(response.status).toBe(200);
    const json = (await response.json()) as { data: { b64_json: string }[]; usage: UsageShape };
    expect(json.usage.input_tokens_details.image_tokens).toBeGreaterThan(0);
    expectConsistentUsage(json.usage);
    const [before, after] = await Promise.all([
      sharp(original).raw().toBuffer(),
      sharp(Buffer.from(json.data[0]?.b64_json ?? "", "base64")).removeAlpha().raw().toBuffer(),
    ]);
    let keptSame = 0;
    let paintedDiffer = 0;
    for (let y = 0; y < height; y += 7) {
      for (let x = 0; x < width; x += 7) {
        const at = (y * width + x) * 3;
        const same = before[at] === after[at] && before[at + 1] === after[at + 1] && before[at + 2] === after[at + 2];
        if (x < width / 2 && same) keptSame++;
        if (x >= width / 2 && !same) paintedDiffer++;
      }
    }
    const samplesPerHalf = Math.ceil(height / 7) * Math.ceil(width / 2 / 7);
    expect(keptSame).toBe(samplesPerHalf);
    expect(paintedDiffer).toBeGreaterThan(samplesPerHalf * 0.9);
  });

  it("rejects a mask of the wrong size", async () => {
    const response = await edit(form(await noisyPng(), await halfMask(512, 512)));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error.param).toBe("mask");
    expect(error.message).toMatch(/same size/);
  });

  it("rejects moderation, which is not an edit field", async () => {
    const body = form(await noisyPng());
    body.append("moderation", "low");
    const response = await edit(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("moderation");
  });

  it("streams image_edit events", async () => {
    const body = form(await noisyPng());
    body.append("stream", "true");
    body.append("partial_images", "1");
    const events = await readEvents(await edit(body));
    expect(events.map((e) => e.event)).toEqual(["image_edit.partial_image", "image_edit.completed"]);
  });
});

describe("faults", () => {
  it("plays a scripted queue in order, then behaves normally", async () => {
    const scripted = await fetch(`${root()}/__sim/script`, {
      method: "POST",
      body: JSON.stringify({ match: "scripted-fox", faults: ["status:502", "ok"] }),
    });
    expect(scripted.status).toBe(200);
    const request = { ...base, prompt: "a scripted-fox in the snow" };
    const first = await generate(request);
    expect(first.status).toBe(502);
    expect(await first.text()).toBe('{"error":{"type":"upstream_error","message":"Upstream request failed"}}');
    expect((await generate(request)).status).toBe(200);
    expect((await generate(request)).status).toBe(200);
    expect(sim.requests.map((entry) => [entry.status, entry.fault])).toEqual([
      [502, "status:502"],
      [200, "ok"],
      [200, null],
    ]);
  });

  it("sends the contract's bodies for moderation and rate limits", async () => {
    const moderated = await generate(base, { "x-sim-fault": "moderation:400" });
    expect(moderated.status).toBe(400);
    expect(((await moderated.json()) as { error: unknown }).error).toMatchObject({
      type: "image_generation_user_error",
      code: "moderation_blocked",
      param: null,
    });
    const limited = await generate(base, { "x-sim-fault": "status:429;retry-after=7;code=usage_limit_reached" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(((await limited.json()) as { error: unknown }).error).toMatchObject({ type: "rate_limit_error", code: "usage_limit_reached" });
  });

  it("takes a fault embedded in the prompt", async () => {
    const response = await generate({ ...base, prompt: "a cat [[sim:status:503]]" });
    expect(response.status).toBe(503);
  });

  it("refuses a malformed fault spec", async () => {
    const response = await generate(base, { "x-sim-fault": "explode" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("x-sim-fault");
  });

  it("cuts the connection without a response on refuse-connection", async () => {
    await expect(generate(base, { "x-sim-fault": "refuse-connection" })).rejects.toThrow();
    expect(sim.requests[0]).toMatchObject({ fault: "refuse-connection", status: null, completed: false });
  });

  it("sends one partial then an error event on error-mid-stream", async () => {
    const response = await generate({ ...base, stream: true, partial_images: 2 }, { "x-sim-fault": "error-mid-stream" });
    const events = await readEvents(response);
    expect(events.map((e) => e.event)).toEqual(["image_generation.partial_image", "error"]);
    const error = JSON.parse(events[1]?.data ?? "{}") as { type: string; error: { code: string; type: string } };
    expect(error).toMatchObject({ type: "error", error: { type: "server_error", code: "upstream_error" } });
  });

  it("returns a smaller image than echoed on wrong-size, and echoes the downgrade on downgrade", async () => {
    const wrong = (await (await generate({ ...base, size: "2048x1152" }, { "x-sim-fault": "wrong-size" })).json()) as {
      size: string;
      data: { b64_json: string }[];
    };
    expect(wrong.size).toBe("2048x1152");
    expect((await imageInfo(wrong.data[0]?.b64_json ?? "")).width).toBe(1024);
    const down = (await (await generate({ ...base, size: "2048x1152", quality: "high" }, { "x-sim-fault": "downgrade" })).json()) as {
      size: string;
      quality: string;
    };
    expect([down.size, down.quality]).toEqual(["1024x576", "medium"]);
  });

  it("draws a larger picture, another aspect ratio, or echoes another size on larger, aspect and echo-mismatch", async () => {
    const shapes: [string, string, string, [number, number]][] = [
      ["larger", SIZE, SIZE, [1280, 800]],
      ["aspect", SIZE, SIZE, [640, 1024]],
      ["aspect", "1024x1024", "1024x1024", [1536, 1024]],
      ["echo-mismatch", SIZE, "512x320", [1024, 640]],
    ];
    for (const [fault, size, echoed, drawn] of shapes) {
      const json = (await (await generate({ ...base, size }, { "x-sim-fault": fault })).json()) as { size: string; data: { b64_json: string }[] };
      const info = await imageInfo(json.data[0]?.b64_json ?? "");
      expect([fault, json.size, info.width, info.height]).toEqual([fault, echoed, ...drawn]);
    }
  });

  it("echoes the size fault's size on every partial too, drawn at the fault's size", async () => {
    const events = await readEvents(await generate({ ...base, stream: true, partial_images: 1 }, { "x-sim-fault": "aspect" }));
    for (const event of events) {
      const data = JSON.parse(event.data) as { size: string; b64_json: string };
      const info = await imageInfo(data.b64_json);
      expect([data.size, info.width, info.height]).toEqual([SIZE, 640, 1024]);
    }
  });

  describe("damaged image bytes", () => {
    async function imageBytes(format: "png" | "jpeg" | "webp", fault?: string): Promise<Buffer> {
      const response = await generate({ ...base, output_format: format }, fault ? { "x-sim-fault": fault } : {});
      const json = (await response.json()) as { data: { b64_json: string }[] };
      return Buffer.from(json.data[0]?.b64_json ?? "", "base64");
    }

    /** Bytes compared with equals(): a failing toEqual on two 100 KB buffers takes minutes to print. */
    const same = (a: Buffer, b: Buffer) => expect(a.equals(b)).toBe(true);

    // Every request draws anew, so the damage is checked on one good picture, and its wiring below.
    it.each(["png", "jpeg", "webp"] as const)("damages a %s as each corrupt-b64 mode says", async (format) => {
      const good = await imageBytes(format);
      const marker = { png: 12, jpeg: 2, webp: 16 }[format];
      same(damage(good, "truncated"), good.subarray(0, Math.floor(good.length / 2)));
      same(damage(good, "tail"), good.subarray(0, good.length - marker));

      const flipped = damage(good, "flip");
      expect(flipped.length).toBe(good.length);
      const changed = [...flipped.keys()].filter((at) => flipped[at] !== good[at]);
      expect(changed.length).toBeGreaterThan(0);
      for (const at of changed) expect(Math.abs(at - good.length / 2)).toBeLessThan(64);

      const zeroed = damage(good, "zero-tail");
      const from = Math.floor((good.length * 2) / 3);
      expect(zeroed.length).toBe(good.length);
      same(zeroed.subarray(0, from), good.subarray(0, from));
      expect(zeroed.subarray(from).every((byte) => byte === 0)).toBe(true);

      // A header any header reader takes for the whole picture, and nothing after it.
      const header = damage(good, "header-only");
      expect(header.length).toBeLessThan(700);
      same(good.subarray(0, header.length), header);
      expect(inspectImage(header)).toEqual({ format, width: 1024, height: 640 });
    });

    it("sends each damaged PNG, whose header reads as a good picture, and which does not decode", async () => {
      const reasons: Record<string, RegExp> = {
        truncated: /damaged or cut short/,
        tail: /end marker \(IEND\)/,
        flip: /picture data is damaged/,
        "zero-tail": /damaged or cut short|end marker/,
        "header-only": /damaged|incomplete|cut short/,
      };
      for (const [mode, reason] of Object.entries(reasons)) {
        const damaged = await imageBytes("png", `corrupt-b64;mode=${mode}`);
        expect(inspectImage(damaged.subarray(0, 64 * 1024))).toEqual({ format: "png", width: 1024, height: 640 });
        await expect(decodeImage(damaged), mode).rejects.toThrow(NotAnImageError);
        await expect(decodeImage(damaged), mode).rejects.toThrow(reason);
      }
    });

    it("damages the partials and not the final image with at=partials", async () => {
      const response = await generate({ ...base, stream: true, partial_images: 2 }, { "x-sim-fault": "corrupt-b64;mode=tail;at=partials" });
      const images = (await readEvents(response)).map((event) => Buffer.from((JSON.parse(event.data) as { b64_json: string }).b64_json, "base64"));
      expect(images).toHaveLength(3);
      for (const partial of images.slice(0, 2)) await expect(decodeImage(partial)).rejects.toThrow(/end marker \(IEND\)/);
      expect(await decodeImage(images[2] ?? Buffer.alloc(0))).toEqual({ format: "png", width: 1024, height: 640 });
    });
  });

  it.each([
    ["corrupt-b64;mode=chewed", /corrupt-b64 mode must be one of invalid, text, truncated, tail, flip, zero-tail, header-only/],
    ["larger:2", /"larger" takes no argument/],
    ["aspect;by=2", /"aspect" takes no parameter "by"/],
    ["wrong-size,echo-mismatch", /"echo-mismatch" conflicts with an earlier fault/],
  ])("refuses the malformed spec %s with a reason", (spec, reason) => {
    expect(() => parseFaultSpec(spec)).toThrow(reason);
  });

  it("puts keep-alive whitespace before a correct JSON answer", async () => {
    const text = await (await generate(base, { "x-sim-fault": "keepalive" })).text();
    expect(text).toMatch(/^\s+\{/);
    expect((JSON.parse(text) as { size: string }).size).toBe(SIZE);
  });
});

describe("request log", () => {
  it("records every /v1 request with the key masked and uploads summarised", async () => {
    await fetch(`${sim.url}/images/generations`, { method: "POST", body: "{}" });
    const body = new FormData();
    body.append("model", "gpt-image-2");
    body.append("prompt", "x");
    body.append("image[]", new Blob([new Uint8Array(await sharp({ create: { width: 1024, height: 1024, channels: 3, background: "#123456" } }).png().toBuffer())]), "a.png");
    await edit(body, { "x-sim-fault": "status:500" });
    const log = (await (await fetch(`${root()}/__sim/requests`)).json()) as typeof sim.requests;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: "POST", path: "/v1/images/generations", status: 401, authorization: null });
    expect(log[1]).toMatchObject({ path: "/v1/images/edits", status: 500, fault: "status:500" });
    expect(log[1]?.authorization).not.toContain(KEY);
    expect(log[1]?.body?.["image[]"]).toMatchObject({ file: "a.png", bytes: expect.any(Number) as number });
  });
});

describe("openai SDK compatibility", () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: sim.url, maxRetries: 0 });

  it("generates, streams and edits through the official client", async () => {
    const generated = await client().images.generate({ model: "gpt-image-2", prompt: "a fox", size: "1024x1024", quality: "low" });
    expect(generated.data?.[0]?.b64_json).toBeTruthy();
    expect(generated.usage?.total_tokens).toBeGreaterThan(0);

    const stream = await client().images.generate({ model: "gpt-image-2", prompt: "a fox", size: "1024x1024", stream: true, partial_images: 1 });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(["image_generation.partial_image", "image_generation.completed"]);

    const png = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: "#00000000" } }).png().toBuffer();
    const edited = await client().images.edit({
      model: "gpt-image-2",
      prompt: "fill it",
      image: [await toFile(png, "in.png", { type: "image/png" })],
      mask: await toFile(png, "mask.png", { type: "image/png" }),
    });
    expect(edited.size).toBe("1024x1024");
    expect(sim.requests.at(-1)?.body).toHaveProperty("mask");
  });

  it("surfaces mid-stream errors as API errors", async () => {
    const stream = await client().images.generate(
      { model: "gpt-image-2", prompt: "a fox", size: "1024x1024", stream: true, partial_images: 1 },
      { headers: { "x-sim-fault": "error-data" } },
    );
    await expect(async () => {
      for await (const event of stream) void event;
    }).rejects.toThrow(/Upstream stream interrupted/);
  });
});

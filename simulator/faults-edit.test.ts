import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultSpecError, parseFaultSpec } from "./faults";
import { startSimulator, type Simulator } from "./server";

/** The gateway misbehaviours the mask-fidelity guard is there for: a dropped mask, images cut short. */
const KEY = "sk-test-key-123";
const SIDE = 1024;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, apiKey: KEY });
});

afterAll(async () => {
  await sim.close();
});

type ImagesJson = { data: { b64_json: string }[]; usage: { output_tokens: number } };

async function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<ImagesJson> {
  const response = await fetch(`${sim.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, ...headers }, body });
  expect(response.status).toBe(200);
  return (await response.json()) as ImagesJson;
}

async function noisyPng(): Promise<Buffer> {
  return sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .png()
    .toBuffer();
}

/** Left half opaque (keep), right half transparent (repaint). */
async function halfMask(): Promise<Buffer> {
  const pixels = Buffer.alloc(SIDE * SIDE * 4);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) pixels[(y * SIDE + x) * 4 + 3] = x < SIDE / 2 ? 255 : 0;
  return sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 4 } }).png().toBuffer();
}

function editForm(image: Buffer, mask: Buffer, n = 1): FormData {
  const body = new FormData();
  body.append("model", "gpt-image-2");
  body.append("prompt", "paint a red boat on the right");
  body.append("size", `${SIDE}x${SIDE}`);
  body.append("n", String(n));
  body.append("image[]", new Blob([new Uint8Array(image)], { type: "image/png" }), "input.png");
  body.append("mask", new Blob([new Uint8Array(mask)], { type: "image/png" }), "mask.png");
  return body;
}

/** Share of sampled pixels of the protected (left) half that differ from the source. */
async function protectedChanged(source: Buffer, b64: string): Promise<number> {
  const [before, after] = await Promise.all([
    sharp(source).raw().toBuffer(),
    sharp(Buffer.from(b64, "base64")).removeAlpha().raw().toBuffer(),
  ]);
  let samples = 0;
  let changed = 0;
  for (let y = 0; y < SIDE; y += 7) {
    for (let x = 0; x < SIDE / 2; x += 7) {
      const at = (y * SIDE + x) * 3;
      samples++;
      if (before[at] !== after[at] || before[at + 1] !== after[at + 1] || before[at + 2] !== after[at + 2]) changed++;
    }
  }
  return changed / samples;
}

describe("fault specs", () => {
  it("reads ignore-mask and fewer-images, alone or with others", () => {
    expect(parseFaultSpec("ignore-mask")).toMatchObject({ ignoreMask: true });
    expect(parseFaultSpec("fewer-images")).toMatchObject({ fewerImages: true });
    expect(parseFaultSpec("ignore-mask,fewer-images,slow:10")).toMatchObject({ ignoreMask: true, fewerImages: true, slowMs: 10 });
    expect(parseFaultSpec("ok").ignoreMask).toBeUndefined();
    expect(() => parseFaultSpec("ignore-mask:yes")).toThrow(FaultSpecError);
    expect(() => parseFaultSpec("fewer-images;by=2")).toThrow(FaultSpecError);
  });
});

describe("ignore-mask", () => {
  it("repaints the protected area too, where an honest edit keeps it", async () => {
    const [source, mask] = await Promise.all([noisyPng(), halfMask()]);
    const honest = await post("/images/edits", editForm(source, mask), {});
    expect(await protectedChanged(source, honest.data[0]?.b64_json ?? "")).toBe(0);
    const ignored = await post("/images/edits", editForm(source, mask), { "x-sim-fault": "ignore-mask" });
    expect(await protectedChanged(source, ignored.data[0]?.b64_json ?? "")).toBeGreaterThan(0.9);
  });
});

describe("fewer-images", () => {
  it("answers an edit of n=2 with one image", async () => {
    const [source, mask] = await Promise.all([noisyPng(), halfMask()]);
    const full = await post("/images/edits", editForm(source, mask, 2), {});
    expect(full.data).toHaveLength(2);
    const cut = await post("/images/edits", editForm(source, mask, 2), { "x-sim-fault": "fewer-images" });
    expect(cut.data).toHaveLength(1);
    expect(cut.usage.output_tokens).toBeLessThan(full.usage.output_tokens);
  });

  it("answers a generation of n=3 with two, and never with none", async () => {
    const generate = (n: number) =>
      post("/images/generations", JSON.stringify({ model: "gpt-image-2", prompt: "a lighthouse", size: "1024x1024", n }), {
        "content-type": "application/json",
        "x-sim-fault": "fewer-images",
      });
    expect((await generate(3)).data).toHaveLength(2);
    expect((await generate(1)).data).toHaveLength(1);
  });
});

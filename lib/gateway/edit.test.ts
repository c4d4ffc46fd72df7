import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "@/lib/env";
import type { GatewayEvent, ImageSink } from "@/lib/gateway/client";
import { editImage, type EditCall, type InputImage } from "@/lib/gateway/edit";
import { GatewayError } from "@/lib/gateway/errors";
import { startSimulator, type Simulator } from "@/simulator/server";

/** Edits against the simulator over real HTTP: what the multipart request carries, and the events back. */
let sim: Simulator;
let gateway: Gateway;
let png: InputImage;
let jpeg: InputImage;
let mask: InputImage;

const square = (format: "png" | "jpeg", alpha: number) =>
  sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 200, g: 80, b: 40, alpha } } })[format]().toBuffer();

beforeAll(async () => {
  sim = await startSimulator({ port: 0, latency: { firstPartialMs: 10, betweenPartialsMs: 10, finalMs: 10 } });
  gateway = { baseURL: sim.url, apiKey: "sk-sim-local", label: "test", isSimulator: true };
  png = { bytes: await square("png", 1), type: "image/png" };
  jpeg = { bytes: await square("jpeg", 1), type: "image/jpeg" };
  // Fully transparent: the whole first image may change.
  mask = { bytes: await square("png", 0), type: "image/png" };
});
afterAll(async () => sim.close());

const call = (prompt: string, extra: Partial<EditCall> = {}): EditCall => ({
  model: "gpt-image-2",
  prompt,
  images: [png],
  size: "1024x1024",
  quality: "low",
  output_format: "png",
  background: "auto",
  partial_images: 2,
  user: "user-1",
  ...extra,
});

const inMemory = (): ImageSink<Buffer> => {
  const parts: Buffer[] = [];
  return { write: (bytes) => void parts.push(Buffer.from(bytes)), end: () => Buffer.concat(parts), abort: () => void (parts.length = 0) };
};

async function collect(edit: EditCall, onAnswer?: () => void): Promise<GatewayEvent<Buffer>[]> {
  const out: GatewayEvent<Buffer>[] = [];
  for await (const event of editImage(gateway, edit, { deadlineMs: 10_000, idleMs: 5_000, onAnswer }, inMemory)) out.push(event);
  return out;
}

async function failure(edit: EditCall): Promise<GatewayError> {
  try {
    await collect(edit);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const sentFor = (prompt: string) => sim.requests.find((r) => r.body?.prompt === prompt)!.body!;

describe("editImage", () => {
  it("sends a single image as `image[]`, and streams the partials then the edit into sinks", async () => {
    let answers = 0;
    const events = await collect(call("one image"), () => answers++);
    expect(events.map((e) => e.type)).toEqual(["partial", "partial", "completed"]);
    expect(events.slice(0, 2).map((e) => (e.type === "partial" ? e.index : -1))).toEqual([0, 1]);
    for (const event of events) expect(event.image.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const done = events[2]!;
    expect(done.type === "completed" && done.usage?.total_tokens).toBeGreaterThan(0);
    expect(done.echo).toMatchObject({ size: "1024x1024", quality: "low", outputFormat: "png" });
    // The SDK names a lone file `image`; the contract's field is `image[]`.
    const sent = sentFor("one image");
    expect(sent["image[]"]).toMatchObject({ type: "image/png", bytes: png.bytes.length });
    expect(sent).not.toHaveProperty("image");
    expect(sent).toMatchObject({ model: "gpt-image-2", stream: "true", partial_images: "2", user: "user-1" });
    // Only the gateway's answer counts, not the SDK's probe of the fetch before a multipart upload.
    expect(answers).toBe(1);
  });

  it("sends two images both as `image[]`, each with its own type", async () => {
    await collect(call("two images", { images: [png, jpeg] }));
    const parts = sentFor("two images")["image[]"];
    expect(parts).toEqual([
      expect.objectContaining({ type: "image/png", bytes: png.bytes.length }),
      expect.objectContaining({ type: "image/jpeg", bytes: jpeg.bytes.length }),
    ]);
  });

  it("sends the mask as `mask`", async () => {
    const events = await collect(call("with a mask", { mask }));
    expect(events.at(-1)?.type).toBe("completed");
    expect(sentFor("with a mask").mask).toMatchObject({ type: "image/png", bytes: mask.bytes.length });
  });

  it("never sends `moderation` or `input_fidelity`, even from a call object that carries them", async () => {
    const wider = { ...call("no moderation"), moderation: "low", input_fidelity: "high" } as EditCall;
    const events = await collect(wider);
    expect(events.at(-1)?.type).toBe("completed");
    const sent = sentFor("no moderation");
    expect(sent).not.toHaveProperty("moderation");
    expect(sent).not.toHaveProperty("input_fidelity");
  });

  it("turns the gateway's refusal of a mask of another size into an invalid_request naming the field", async () => {
    const small = { bytes: await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer(), type: "image/png" };
    const error = await failure(call("bad mask", { mask: small }));
    expect(error).toMatchObject({ kind: "invalid_request", code: "invalid_mask", extra: { httpStatus: 400, field: "mask" } });
    expect(error.message).toMatch(/same size/);
  });

  it("turns an error in the middle of the edit's stream into an upstream GatewayError", async () => {
    const error = await failure(call("cut short [[sim:error-mid-stream]]"));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_error" });
  });
});

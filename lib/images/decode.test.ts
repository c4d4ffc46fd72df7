import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp, { type Sharp } from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage, NotAnImageError } from "@/lib/images/inspect";

type Format = "png" | "jpeg" | "webp";

/** Noise, so the picture data is long and varied like a real picture's; seeded, so every run tries the same bytes. */
function noise(width: number, height: number, seed = 1): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = ((i / 3 / width) % 256) * 0.6 + ((state >>> 0) % 96);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function picture(format: Format, width = 512, height = 384, quality = 90): Promise<Buffer> {
  const noisy = noise(width, height);
  return format === "png" ? noisy.png().toBuffer() : format === "jpeg" ? noisy.jpeg({ quality }).toBuffer() : noisy.webp({ quality }).toBuffer();
}

/** Whether sharp alone, without decodeImage's end-marker check, decodes the bytes. */
function sharpDecodes(bytes: Uint8Array): Promise<boolean> {
  return sharp(bytes, { failOn: "truncated" }).resize(16, 16, { fit: "fill" }).raw().toBuffer().then(() => true, () => false);
}

/**
 * A JPEG that libjpeg decodes without its FF D9: one whose last scan ends flush with its last
 * byte (about one in ten do; which ones depends on the bits, so it is looked for).
 */
async function jpegDecodingWithoutEnd(): Promise<Buffer> {
  for (let quality = 60; quality <= 100; quality++) {
    const jpeg = await picture("jpeg", 256, 256, quality);
    if (await sharpDecodes(jpeg.subarray(0, jpeg.length - 2))) return jpeg;
  }
  throw new Error("every JPEG tried failed to decode without its end marker");
}

let folder: string;
const pictures = {} as Record<Format, Buffer>;
let jpeg4k: Promise<Buffer>;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "decode-test-"));
  for (const format of ["png", "jpeg", "webp"] as const) pictures[format] = await picture(format);
  jpeg4k = picture("jpeg", 3840, 2160);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A new name every time: libvips may cache what it opened by file name. */
function onDisk(bytes: Uint8Array): string {
  const file = path.join(folder, `${randomUUID()}.img`);
  writeFileSync(file, bytes);
  return file;
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const fromBytes = await decodeImage(bytes).then(() => null, (error: unknown) => error);
  const fromFile = await decodeImage(onDisk(bytes)).then(() => null, (error: unknown) => error);
  expect(fromBytes, "refused from bytes").toBeInstanceOf(NotAnImageError);
  expect(fromFile, "refused from a file").toBeInstanceOf(NotAnImageError);
  return (fromFile as Error).message;
}

const cut = (bytes: Buffer, keep: number) => bytes.subarray(0, keep);
const share = (bytes: Buffer, fraction: number) => cut(bytes, Math.floor(bytes.length * fraction));

function withFlip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

function withZeroTail(bytes: Buffer, from: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.fill(0, from);
  return copy;
}

/** The middle of the first IDAT chunk's data: a byte of the compressed pixels themselves. */
function idatMiddle(png: Buffer): number {
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") return at + 8 + Math.floor(length / 2);
    at += 12 + length;
  }
  throw new Error("no IDAT chunk");
}

describe("decodeImage: good pictures", () => {
  it.each(["png", "jpeg", "webp"] as const)("decodes a %s from bytes and from a file, with the decoder's size", async (format) => {
    expect(await decodeImage(pictures[format])).toEqual({ format, width: 512, height: 384 });
    expect(await decodeImage(onDisk(pictures[format]))).toEqual({ format, width: 512, height: 384 });
  });

  it("decodes a 4K JPEG, which is shrunk on load", async () => {
    expect(await decodeImage(await jpeg4k)).toEqual({ format: "jpeg", width: 3840, height: 2160 });
  });
});

describe("decodeImage: damaged pictures are refused with a reason", () => {
  it.each(["png", "jpeg", "webp"] as const)("refuses a %s cut short anywhere", async (format) => {
    const bytes = pictures[format];
    for (const damaged of [share(bytes, 0.1), share(bytes, 0.5), share(bytes, 0.95), share(bytes, 0.999), cut(bytes, bytes.length - 30)]) {
      expect(await refusal(damaged)).toMatch(/damaged|cut short|incomplete|end marker/);
    }
  });

  it("refuses a PNG whose IEND chunk is missing or cut, which libpng itself decodes", async () => {
    const png = pictures.png;
    for (const missing of [12, 8, 4, 1]) {
      const damaged = cut(png, png.length - missing);
      expect(await sharpDecodes(damaged)).toBe(true);
      expect(await refusal(damaged)).toMatch(/does not end with its end marker \(IEND\)/);
    }
  });

  it("refuses a PNG with a flipped byte in its picture data", async () => {
    expect(await refusal(withFlip(pictures.png, idatMiddle(pictures.png)))).toMatch(/picture data is damaged.*libpng/);
  });

  it.each(["png", "jpeg"] as const)("refuses a %s whose tail is zero-filled", async (format) => {
    const bytes = pictures[format];
    for (const from of [Math.floor(bytes.length * 0.6), bytes.length - 64]) {
      expect(await refusal(withZeroTail(bytes, from))).toMatch(/damaged|cut short|end marker/);
    }
  });

  it("refuses a JPEG without its FF D9 end marker, which libjpeg itself may decode", async () => {
    const jpeg = await jpegDecodingWithoutEnd();
    expect(await decodeImage(jpeg)).toMatchObject({ format: "jpeg" });
    for (const missing of [1, 2]) expect(await refusal(cut(jpeg, jpeg.length - missing))).toMatch(/does not end with its end marker \(FF D9\)/);
  });

  it("refuses a truncated JPEG at 1024 and at 4K, where it is decoded shrunk on load", async () => {
    for (const jpeg of [await picture("jpeg", 1024, 1024), await jpeg4k]) {
      for (const fraction of [0.5, 0.99]) expect(await refusal(share(jpeg, fraction))).toMatch(/picture data is damaged.*premature end of JPEG/);
    }
  });

  it.each(["png", "jpeg", "webp"] as const)("refuses a %s that is a valid header and nothing more, or garbage after it", async (format) => {
    const head = pictures[format].subarray(0, 64);
    expect(await refusal(head)).toMatch(/damaged|incomplete|cut short|end marker/);
    expect(await refusal(Buffer.concat([head, Buffer.alloc(4096, 0x41)]))).toMatch(/damaged|incomplete|cut short|end marker/);
  });

  it("refuses empty data, text and pictures of other formats", async () => {
    expect(await refusal(Buffer.alloc(0))).toMatch(/empty/);
    expect(await refusal(Buffer.from("this is not an image, just some text"))).toMatch(/not a png, jpeg or webp image/);
    const gif = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#336699" } }).gif().toBuffer();
    expect(await refusal(gif)).toMatch(/it is gif data, not a png, jpeg or webp image/);
  });
});

import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { checkUpload, MAX_UPLOAD_BYTES } from "@/lib/uploads/check-image";
import { blackPng, picture } from "@/lib/uploads/test-images";

/** The ApiError checkUpload threw, or a failure when it resolved. */
async function refusal(run: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await run.then(
    () => new Error("expected the upload to be refused"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiError)) throw error;
  return error;
}

let png: Buffer;
let bomb: Buffer;

beforeAll(async () => {
  png = await picture("png", 320, 240);
  bomb = blackPng(30_000, 30_000);
});

describe("checkUpload", () => {
  it.each(["png", "jpeg", "webp"] as const)("accepts a good %s by its content, whatever its name", async (format) => {
    const bytes = await picture(format, 320, 240);
    const checked = await checkUpload(bytes, "holiday.bin", "image");
    expect(checked).toMatchObject({ format, width: 320, height: 240, hasAlpha: false, name: "holiday.bin" });
    expect(checked.bytes).toBe(bytes);
  });

  it("reports an alpha channel", async () => {
    const rgba = await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    expect(await checkUpload(rgba, "mask.png", "mask")).toMatchObject({ format: "png", hasAlpha: true, width: 64, height: 48 });
  });

  it("refuses text renamed .png as not an image, naming the file, on the field of its role", async () => {
    const text = Buffer.from("hello, I am a text file pretending to be a picture\n".repeat(20));
    const error = await refusal(checkUpload(text, "photo.png", "image"));
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid_upload");
    expect(error.field).toBe("image[]");
    expect(error.message).toBe("photo.png: not an image (its content is text)");
    expect((await refusal(checkUpload(text, "mask.png", "mask"))).field).toBe("mask");
  });

  it("says unknown for binary that is no image, and names other image formats", async () => {
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
    expect((await refusal(checkUpload(binary, "a.png", "reference"))).message).toBe("a.png: not an image (its content is unknown)");
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).gif().toBuffer();
    expect((await refusal(checkUpload(gif, "b.png", "image"))).message).toMatch(/^b\.png: a GIF image; only PNG, JPEG and WebP/);
  });

  it("refuses an empty file", async () => {
    expect((await refusal(checkUpload(Buffer.alloc(0), "empty.png", "image"))).message).toBe("empty.png: the file is empty");
  });

  it("refuses a truncated PNG and a truncated JPEG, whose headers are whole", async () => {
    const cutPng = png.subarray(0, Math.floor(png.length * 0.6));
    const error = await refusal(checkUpload(cutPng, "cut.png", "image"));
    expect(error.message).toMatch(/^cut\.png: the picture data is damaged or cut short/);
    const jpeg = await picture("jpeg", 320, 240);
    const cutJpeg = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    expect((await refusal(checkUpload(cutJpeg, "cut.jpg", "image"))).message).toMatch(/^cut\.jpg: the picture data is damaged or cut short/);
  });

  it("refuses 60 MB on its length, before looking at the content", async () => {
    const huge = Buffer.alloc(60 * 1024 * 1024);
    png.copy(huge); // a real PNG header: the length alone must refuse it
    const started = performance.now();
    const error = await refusal(checkUpload(huge, "huge.png", "image"));
    expect(performance.now() - started).toBeLessThan(50);
    expect(error.message).toBe("huge.png: the file is 60 MB; at most 50 MB is accepted");
    // 50 MB itself is within the limit (and then refused for what it is).
    const atLimit = await refusal(checkUpload(Buffer.alloc(MAX_UPLOAD_BYTES), "zeros.png", "image"));
    expect(atLimit.message).toBe("zeros.png: not an image (its content is unknown)");
  });

  it("refuses a decompression bomb from its header, quickly, naming its declared size", async () => {
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    const error = await refusal(checkUpload(bomb, "bomb.png", "image"));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.status).toBe(422);
    expect(error.message).toBe("bomb.png: it declares 30000x30000 (900 megapixels); at most 40 megapixels are accepted");
  });

  it("takes a flat picture just under the pixel cap", async () => {
    const large = blackPng(8000, 5000);
    expect(await checkUpload(large, "large.png", "image")).toMatchObject({ width: 8000, height: 5000 });
  });

  it("refuses a PNG whose pixel data was replaced by another's, by its checksums", async () => {
    const damaged = Buffer.from(png);
    for (let at = Math.floor(damaged.length / 2); at < damaged.length / 2 + 64; at += 8) damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    expect((await refusal(checkUpload(damaged, "flipped.png", "image"))).message).toMatch(/^flipped\.png: the picture data is damaged/);
  });
});

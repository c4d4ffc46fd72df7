import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { checkUpload, type CheckedUpload } from "@/lib/uploads/check-image";
import { fitToSizeRules, MAX_EDIT_IMAGES, prepareEdit } from "@/lib/uploads/prepare-edit";
import { mask, picture } from "@/lib/uploads/test-images";

async function refusal(run: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await run.then(
    () => new Error("expected the edit to be refused"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiError)) throw error;
  return error;
}

function flat(width: number, height: number, format: "png" | "jpeg" = "png"): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });
  return (format === "png" ? image.png() : image.jpeg()).toBuffer();
}

/** A mask's alpha at some points. */
async function alphaAt(bytes: Buffer, points: [number, number][]): Promise<number[]> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return points.map(([x, y]) => data[(y * info.width + x) * info.channels + 3] ?? -1);
}

let square: CheckedUpload;
let squareMask: CheckedUpload;

beforeAll(async () => {
  square = await checkUpload(await picture("png", 1024, 1024), "square.png", "image");
  squareMask = await checkUpload(await mask(1024, 1024, { left: 0, top: 0, width: 512, height: 1024 }), "mask.png", "mask");
});

describe("prepareEdit", () => {
  it("sends an image within the rules and its mask as they came, telling nothing", async () => {
    const prepared = await prepareEdit({ images: [square], mask: squareMask });
    expect(prepared.images[0]).toBe(square);
    expect(prepared.mask).toBe(squareMask);
    expect(prepared.notices).toEqual([]);
  });

  it("resizes a photo over the rules, its mask alike, and says so", async () => {
    const photo = await checkUpload(await flat(4000, 3000), "photo.png", "image");
    const paint = await checkUpload(await mask(4000, 3000, { left: 0, top: 0, width: 2000, height: 3000 }), "mask.png", "mask");
    const prepared = await prepareEdit({ images: [photo], mask: paint });
    expect(prepared.notices).toEqual(["photo.png was 4000x3000; sent as 2048x1536 (the size rules), its mask resized alike"]);
    const [first] = prepared.images;
    expect(first).toMatchObject({ format: "png", width: 2048, height: 1536, name: "photo.png" });
    expect(await sharp(first?.bytes).metadata()).toMatchObject({ format: "png", width: 2048, height: 1536 });
    expect(prepared.mask).toMatchObject({ format: "png", width: 2048, height: 1536, hasAlpha: true });
    const mask2 = prepared.mask?.bytes ?? Buffer.alloc(0);
    expect(await sharp(mask2).metadata()).toMatchObject({ format: "png", width: 2048, height: 1536, hasAlpha: true });
    // The painted left half stays fully transparent, the rest fully opaque, away from the edge.
    expect(await alphaAt(mask2, [[0, 0], [500, 700], [1010, 1535], [1040, 0], [1500, 700], [2047, 1535]])).toEqual([0, 0, 0, 255, 255, 255]);
  });

  it("brings sizes off the 16 px grid onto it, and small pictures up to the minimum", async () => {
    expect(fitToSizeRules({ width: 1024, height: 1024 })).toEqual({ kind: "fits" });
    expect(fitToSizeRules({ width: 1000, height: 750 })).toEqual({ kind: "resize", to: { width: 1008, height: 752 } });
    expect(fitToSizeRules({ width: 512, height: 512 })).toEqual({ kind: "resize", to: { width: 816, height: 816 } });
    expect(fitToSizeRules({ width: 3840, height: 2160 })).toEqual({ kind: "fits" });
    expect(fitToSizeRules({ width: 4096, height: 2160 })).toEqual({ kind: "resize", to: { width: 2048, height: 1088 } });
    const small = await checkUpload(await picture("png", 512, 512), "small.png", "image");
    const prepared = await prepareEdit({ images: [small] });
    expect(prepared.images[0]).toMatchObject({ width: 816, height: 816, format: "png" });
    expect(prepared.notices).toEqual(["small.png was 512x512; sent as 816x816 (the size rules)"]);
  });

  it("refuses an aspect ratio no resize can fix, naming the file", async () => {
    const banner = await checkUpload(await flat(2048, 512), "banner.png", "image");
    const error = await refusal(prepareEdit({ images: [banner] }));
    expect(error).toMatchObject({ status: 422, code: "invalid_upload", field: "image[]" });
    expect(error.message).toBe("banner.png: 2048x512 is 4.00:1, and the size rules allow at most 3:1; crop it first");
  });

  it("re-encodes a JPEG first image as PNG when a mask comes, pixel for pixel", async () => {
    const jpegBytes = await picture("jpeg", 1024, 1024);
    const photo = await checkUpload(jpegBytes, "photo.jpg", "image");
    const prepared = await prepareEdit({ images: [photo], mask: squareMask });
    const [first] = prepared.images;
    expect(first).toMatchObject({ format: "png", width: 1024, height: 1024, name: "photo.jpg" });
    expect(first?.bytes.subarray(0, 4).toString("latin1")).toBe("\x89PNG");
    const [decodedJpeg, decodedPng] = await Promise.all([sharp(jpegBytes).raw().toBuffer(), sharp(first?.bytes).raw().toBuffer()]);
    expect(decodedPng.equals(decodedJpeg)).toBe(true);
    expect(prepared.mask).toBe(squareMask);
    expect(prepared.notices).toEqual(["photo.jpg was sent as PNG, the mask's format"]);
    // Without a mask a JPEG goes as it came.
    const unmasked = await prepareEdit({ images: [photo] });
    expect(unmasked.images[0]).toBe(photo);
    expect(unmasked.notices).toEqual([]);
  });

  it("refuses a mask without alpha, and a mask that is no PNG, on the mask field", async () => {
    const opaque = await checkUpload(await flat(1024, 1024), "mask.png", "mask");
    const noAlpha = await refusal(prepareEdit({ images: [square], mask: opaque }));
    expect(noAlpha).toMatchObject({ status: 422, code: "invalid_upload", field: "mask" });
    expect(noAlpha.message).toMatch(/^mask\.png: the mask has no alpha channel/);
    const jpegMask = await checkUpload(await flat(1024, 1024, "jpeg"), "mask.jpg", "mask");
    const notPng = await refusal(prepareEdit({ images: [square], mask: jpegMask }));
    expect(notPng.field).toBe("mask");
    expect(notPng.message).toBe("mask.jpg: the mask must be a PNG with an alpha channel, and this is a JPEG");
  });

  it("refuses a mask of another size, naming both sizes", async () => {
    const small = await checkUpload(await mask(512, 512, { left: 0, top: 0, width: 10, height: 10 }), "mask.png", "mask");
    const error = await refusal(prepareEdit({ images: [square], mask: small }));
    expect(error).toMatchObject({ status: 422, field: "mask" });
    expect(error.message).toBe(
      "mask.png: the mask is 512x512 but the first image, square.png, is 1024x1024; the mask must be exactly the first image's size",
    );
  });

  it("takes a mask already at the resized size as it is", async () => {
    const photo = await checkUpload(await flat(4000, 3000), "photo.png", "image");
    const paint = await checkUpload(await mask(2048, 1536, { left: 0, top: 0, width: 100, height: 100 }), "mask.png", "mask");
    const prepared = await prepareEdit({ images: [photo], mask: paint });
    expect(prepared.mask).toBe(paint);
    expect(prepared.notices).toEqual(["photo.png was 4000x3000; sent as 2048x1536 (the size rules)"]);
  });

  it("checks the mask against the photo as it is seen, turned by its EXIF orientation", async () => {
    // Stored 1200x900, shown (and painted) 900x1200.
    const stored = await sharp(await picture("jpeg", 1200, 900)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const photo = await checkUpload(stored, "phone.jpg", "image");
    expect(photo).toMatchObject({ width: 1200, height: 900 });
    const paint = await checkUpload(await mask(900, 1200, { left: 0, top: 0, width: 100, height: 100 }), "mask.png", "mask");
    const prepared = await prepareEdit({ images: [photo], mask: paint });
    const to = fitToSizeRules({ width: 900, height: 1200 });
    expect(to).toEqual({ kind: "resize", to: { width: 896, height: 1200 } });
    expect(prepared.images[0]).toMatchObject({ format: "png", width: 896, height: 1200 });
    expect(prepared.mask).toMatchObject({ width: 896, height: 1200 });
    expect(prepared.notices).toEqual([
      "phone.jpg was turned upright (its EXIF orientation)",
      "phone.jpg was 900x1200; sent as 896x1200 (the size rules), its mask resized alike",
      "phone.jpg was sent as PNG, the mask's format",
    ]);
  });

  it("leaves references alone unless they are over the rules' maximum", async () => {
    const small = await checkUpload(await picture("webp", 300, 200), "ref-small.webp", "reference");
    const big = await checkUpload(await flat(5000, 4000, "jpeg"), "ref-big.jpg", "reference");
    const prepared = await prepareEdit({ images: [square, small, big] });
    expect(prepared.images[1]).toBe(small);
    expect(prepared.images[2]).toMatchObject({ format: "jpeg", width: 2048, height: 1638, name: "ref-big.jpg" });
    expect(prepared.notices).toEqual(["ref-big.jpg was 5000x4000; sent as 2048x1638 (over the size rules' maximum)"]);
  });

  it(`takes ${MAX_EDIT_IMAGES} images and refuses 17`, async () => {
    const ref = await checkUpload(await picture("png", 64, 64), "ref.png", "reference");
    const sixteen = [square, ...Array.from({ length: 15 }, () => ref)];
    expect((await prepareEdit({ images: sixteen })).images).toHaveLength(16);
    const error = await refusal(prepareEdit({ images: [...sixteen, ref] }));
    expect(error).toMatchObject({ status: 422, code: "invalid_upload", field: "image[]" });
    expect(error.message).toBe("image[]: 17 images were sent; at most 16 are accepted (the edited one and 15 references)");
    expect((await refusal(prepareEdit({ images: [] }))).field).toBe("image[]");
  });
});

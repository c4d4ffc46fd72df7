import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { CHANGE_TOLERANCE, compositeProtected, FIDELITY_FLAG_SHARE, isFlagged, measureFidelity } from "@/lib/images/fidelity";
import { noise } from "@/lib/uploads/test-images";

const W = 256;
const H = 192;
/** The painted hole (alpha 0), a feather ramp of 16 px to its right, the rest opaque. */
const HOLE = { left: 64, top: 48, width: 96, height: 96 };
const FEATHER = 16;

function alphaOf(x: number, y: number): number {
  const inRows = y >= HOLE.top && y < HOLE.top + HOLE.height;
  if (!inRows || x < HOLE.left) return 255;
  const past = x - (HOLE.left + HOLE.width);
  if (past < 0) return 0;
  if (past < FEATHER) return Math.round(((past + 1) / (FEATHER + 1)) * 255);
  return 255;
}

async function maskPng(): Promise<Buffer> {
  const pixels = Buffer.alloc(W * H * 4, 255);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels[(y * W + x) * 4 + 3] = alphaOf(x, y);
  return sharp(pixels, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
}

async function raw(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).removeAlpha().raw().toBuffer();
}

/** The source with the pixels where `where` holds taken from `other`. */
async function mixed(sourceRaw: Buffer, otherRaw: Buffer, where: (x: number, y: number) => boolean): Promise<Buffer> {
  const out = Buffer.from(sourceRaw);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!where(x, y)) continue;
      const at = (y * W + x) * 3;
      otherRaw.copy(out, at, at, at + 3);
    }
  }
  return sharp(out, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}

/** Pixels the guard protects: alpha ≥ 250. */
function protectedCount(): number {
  let count = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (alphaOf(x, y) >= 250) count++;
  return count;
}

let source: Buffer;
let other: Buffer;
let sourceRaw: Buffer;
let otherRaw: Buffer;
let mask: Buffer;

beforeAll(async () => {
  source = await noise(W, H, 1).png().toBuffer();
  other = await noise(W, H, 99).png().toBuffer();
  [sourceRaw, otherRaw] = await Promise.all([raw(source), raw(other)]);
  mask = await maskPng();
});

describe("measureFidelity", () => {
  it("finds nothing changed in an identical result", async () => {
    expect(await measureFidelity(source, source, mask)).toEqual({ changedShare: 0, meanAbsDiff: 0, protectedPixels: protectedCount() });
  });

  it("finds nearly all the protected area changed when the whole picture was repainted", async () => {
    const fidelity = await measureFidelity(source, other, mask);
    expect(fidelity.changedShare).toBeGreaterThan(0.95);
    // Two independent uniform noises differ by 85 levels on average.
    expect(fidelity.meanAbsDiff).toBeGreaterThan(70);
    expect(fidelity.meanAbsDiff).toBeLessThan(100);
    expect(isFlagged(fidelity)).toBe(true);
  });

  it("finds nothing changed when only the painted area and its feather changed", async () => {
    const result = await mixed(sourceRaw, otherRaw, (x, y) => alphaOf(x, y) < 250);
    const fidelity = await measureFidelity(source, result, mask);
    expect(fidelity).toEqual({ changedShare: 0, meanAbsDiff: 0, protectedPixels: protectedCount() });
    expect(isFlagged(fidelity)).toBe(false);
  });

  it("counts a share of the protected area changed, and differences within the tolerance as none", async () => {
    // A band of 32 rows across the top (protected everywhere) repainted.
    const result = await mixed(sourceRaw, otherRaw, (_x, y) => y < 32);
    const fidelity = await measureFidelity(source, result, mask);
    expect(fidelity.changedShare).toBeCloseTo((32 * W) / protectedCount(), 1);
    expect(fidelity.changedShare).toBeGreaterThan(FIDELITY_FLAG_SHARE);
    const nudged = Buffer.from(sourceRaw).map((value) => Math.min(255, value + CHANGE_TOLERANCE));
    const faint = await sharp(Buffer.from(nudged), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    const small = await measureFidelity(source, faint, mask);
    expect(small.changedShare).toBe(0);
    expect(small.meanAbsDiff).toBeGreaterThan(10);
  });

  it("brings a result of another size to the source's size first", async () => {
    const smooth = await sharp({ create: { width: W, height: H, channels: 3, background: { r: 90, g: 140, b: 30 } } }).png().toBuffer();
    const bigger = await sharp(smooth).resize(W * 2, H * 2).jpeg({ quality: 90 }).toBuffer();
    const fidelity = await measureFidelity(smooth, bigger, mask);
    expect(fidelity.protectedPixels).toBe(protectedCount());
    expect(fidelity.changedShare).toBe(0);
  });

  it("protects nothing under a fully transparent mask", async () => {
    const open = await sharp({ create: { width: W, height: H, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect(await measureFidelity(source, other, open)).toEqual({ changedShare: 0, meanAbsDiff: 0, protectedPixels: 0 });
  });
});

describe("compositeProtected", () => {
  it("keeps protected pixels exactly the source's, takes the result where painted, and blends the feather", async () => {
    // Measured first, as an edit job does: the composite then reuses the decoded planes.
    await measureFidelity(source, other, mask);
    const out = await compositeProtected(source, other, mask, "png");
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: W, height: H, channels: 3, format: "raw" });
    let checkedFeather = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const alpha = alphaOf(x, y);
        for (let c = 0; c < 3; c++) {
          const at = (y * W + x) * 3 + c;
          const s = sourceRaw[at] ?? 0;
          const r = otherRaw[at] ?? 0;
          const expected = alpha === 255 ? s : alpha === 0 ? r : Math.round((s * alpha + r * (255 - alpha)) / 255);
          if (data[at] !== expected) throw new Error(`pixel ${x},${y} channel ${c}: ${data[at]} where ${expected} was expected (alpha ${alpha})`);
        }
        if (alpha > 0 && alpha < 255) checkedFeather++;
      }
    }
    expect(checkedFeather).toBe(FEATHER * HOLE.height);
    expect((await measureFidelity(source, out, mask)).changedShare).toBe(0);
  });

  it("brings a result of another size to the source's, in the format asked", async () => {
    const bigger = await sharp(other).resize(W * 2, H * 2).png().toBuffer();
    const out = await compositeProtected(source, bigger, mask, "webp");
    expect(await sharp(out).metadata()).toMatchObject({ format: "webp", width: W, height: H });
    const jpeg = await compositeProtected(source, bigger, mask, "jpeg");
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: "jpeg", width: W, height: H });
  });
});

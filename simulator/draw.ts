/**
 * Image drawing for the simulator: a deterministic picture per prompt (gradient, a shape and the
 * prompt's first words), edits composited through a mask, and the coarse "partial" previews.
 * Everything is done with sharp on raw pixel buffers so a 3840x2160 PNG stays well under a second.
 */
import sharp, { type Sharp } from "sharp";

export type OutputFormat = "png" | "jpeg" | "webp";

/** Raw pixels, 3 channels (RGB) when opaque, 4 (RGBA) when the background is transparent. */
export type Raster = { data: Buffer; width: number; height: number; channels: 3 | 4 };

/** `grained`: the pixels are noise, which deflate cannot shrink, so PNGs are stored without trying. */
export type Encoding = { format: OutputFormat; compression: number; grained?: boolean };

type Rgb = [number, number, number];

const FONT_FAMILY = "DejaVu Sans, Liberation Sans, sans-serif";
/** Low zlib effort: the simulator must be fast, not small (a 4K PNG at level 9 takes seconds). */
const PNG_COMPRESSION_LEVEL = 2;
const WORDS_SHOWN = 6;
const MAX_TEXT_CHARS = 36;

/** FNV-1a, 32 bit: a stable seed from the prompt so the same prompt always gives the same image. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny seeded PRNG returning floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const segment = (hue % 360) / 60;
  const x = chroma * (1 - Math.abs((segment % 2) - 1));
  const [r, g, b] =
    segment < 1 ? [chroma, x, 0] : segment < 2 ? [x, chroma, 0] : segment < 3 ? [0, chroma, x]
    : segment < 4 ? [0, x, chroma] : segment < 5 ? [x, 0, chroma] : [chroma, 0, x];
  const m = lightness - chroma / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

type Design = {
  stops: Rgb[];
  angle: number;
  shape: { kind: "circle" | "square"; cx: number; cy: number; radius: number; hue: number };
};

function designFor(seedText: string): Design {
  const random = seededRandom(hashString(seedText));
  const baseHue = random() * 360;
  const stopCount = random() < 0.5 ? 2 : 3;
  const stops = Array.from({ length: stopCount }, (_, i) =>
    hslToRgb(baseHue + i * (60 + random() * 90), 0.55 + random() * 0.35, 0.35 + random() * 0.3),
  );
  return {
    stops,
    angle: random() * Math.PI * 2,
    shape: {
      kind: random() < 0.5 ? "circle" : "square",
      cx: 0.2 + random() * 0.6,
      cy: 0.2 + random() * 0.6,
      radius: 0.12 + random() * 0.18,
      hue: baseHue + 180,
    },
  };
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Colour at position t in [0, 1] along evenly spaced gradient stops. */
function colourAt(stops: Rgb[], t: number): Rgb {
  const scaled = t * (stops.length - 1);
  const index = Math.min(Math.floor(scaled), stops.length - 2);
  const from = stops[index] ?? [0, 0, 0];
  const to = stops[index + 1] ?? from;
  return mix(from, to, scaled - index);
}

/** Gradient colours sampled this finely; more steps than visible banding needs. */
const GRADIENT_STEPS = 1024;

function gradientTable(stops: Rgb[]): Uint8Array {
  const table = new Uint8Array((GRADIENT_STEPS + 1) * 3);
  for (let i = 0; i <= GRADIENT_STEPS; i++) {
    const [r, g, b] = colourAt(stops, i / GRADIENT_STEPS);
    table.set([Math.round(r), Math.round(g), Math.round(b)], i * 3);
  }
  return table;
}

/**
 * The linear gradient at full size, straight into an RGB(A) buffer. A table lookup per pixel is
 * faster than letting sharp upscale a small gradient (~40-150 ms vs ~200 ms for 3840x2160 on one core).
 */
function paintGradient(design: Design, raster: Raster): void {
  const { width, height, channels, data } = raster;
  const table = gradientTable(design.stops);
  const dx = Math.cos(design.angle);
  const dy = Math.sin(design.angle);
  // Project the corners so the position spans exactly 0..1 across the image whatever the angle.
  const span = Math.abs(dx) * (width - 1) + Math.abs(dy) * (height - 1) || 1;
  const offset = Math.min(0, dx * (width - 1)) + Math.min(0, dy * (height - 1));
  const step = (dx / span) * GRADIENT_STEPS;
  let at = 0;
  for (let y = 0; y < height; y++) {
    let position = ((y * dy - offset) / span) * GRADIENT_STEPS + 0.5;
    for (let x = 0; x < width; x++) {
      const entry = Math.min(GRADIENT_STEPS, Math.max(0, position | 0)) * 3;
      data[at] = table[entry] ?? 0;
      data[at + 1] = table[entry + 1] ?? 0;
      data[at + 2] = table[entry + 2] ?? 0;
      if (channels === 4) data[at + 3] = 255;
      at += channels;
      position += step;
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The words drawn on the picture: the prompt's first few, without simulator fault markers. */
export function captionFor(prompt: string): string {
  const words = prompt.replace(/\[\[sim:[^\]]*\]\]/g, " ").trim().split(/\s+/).slice(0, WORDS_SHOWN);
  const caption = words.join(" ");
  return caption.length > MAX_TEXT_CHARS ? `${caption.slice(0, MAX_TEXT_CHARS - 1)}…` : caption;
}

/** An SVG snippet to rasterise and where its top-left corner goes on the picture. */
type Sticker = { svg: string; width: number; height: number; left: number; top: number };

function shapeSticker(design: Design, width: number, height: number): Sticker {
  const { shape } = design;
  const radius = Math.max(4, Math.round(shape.radius * Math.min(width, height)));
  const side = radius * 2;
  const fill = `hsla(${Math.round(shape.hue % 360)}, 70%, 65%, 0.55)`;
  const body =
    shape.kind === "circle"
      ? `<circle cx="${radius}" cy="${radius}" r="${radius}" fill="${fill}"/>`
      : `<rect width="${side}" height="${side}" rx="${Math.round(radius / 5)}" fill="${fill}"/>`;
  return {
    svg: body,
    width: side,
    height: side,
    left: Math.round(shape.cx * width) - radius,
    top: Math.round(shape.cy * height) - radius,
  };
}

/**
 * The caption across the lower part of the picture. librsvg falls back to any font it finds and
 * simply draws no glyphs when there is none, so a machine without fonts still gets an image.
 */
function captionSticker(caption: string, width: number, height: number): Sticker {
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 16));
  const boxHeight = Math.round(fontSize * 1.5);
  const baseline = Math.round(fontSize * 1.15);
  const stroke = Math.max(1, Math.round(fontSize / 24));
  return {
    svg: `<text x="50%" y="${baseline}" text-anchor="middle" font-family="${FONT_FAMILY}" font-size="${fontSize}" font-weight="bold" fill="white" stroke="rgba(0,0,0,0.45)" stroke-width="${stroke}">${escapeXml(caption)}</text>`,
    width,
    height: boxHeight,
    left: 0,
    top: Math.round(height * 0.88) - baseline,
  };
}

/**
 * Rasterises a sticker and alpha-blends it onto the picture in place. Only the sticker's box is
 * touched, which is what keeps big pictures cheap (a full-size sharp composite costs ~300 ms at 4K).
 */
async function applySticker(raster: Raster, sticker: Sticker): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sticker.width}" height="${sticker.height}">${sticker.svg}</svg>`;
  const pixels = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
  const { data, width, height, channels } = raster;
  for (let sy = 0; sy < sticker.height; sy++) {
    const y = sticker.top + sy;
    if (y < 0 || y >= height) continue;
    for (let sx = 0; sx < sticker.width; sx++) {
      const x = sticker.left + sx;
      if (x < 0 || x >= width) continue;
      const from = (sy * sticker.width + sx) * 4;
      const alpha = (pixels[from + 3] ?? 0) / 255;
      if (alpha === 0) continue;
      const to = (y * width + x) * channels;
      // "Over" compositing; for RGB pictures the destination alpha is simply 1.
      const below = channels === 4 ? (data[to + 3] ?? 0) / 255 : 1;
      const out = alpha + below * (1 - alpha);
      for (let c = 0; c < 3; c++) {
        const top = pixels[from + c] ?? 0;
        const bottom = data[to + c] ?? 0;
        data[to + c] = Math.round((top * alpha + bottom * below * (1 - alpha)) / out);
      }
      if (channels === 4) data[to + 3] = Math.round(out * 255);
    }
  }
}

function toRaster(pipeline: Sharp): Promise<Raster> {
  return pipeline
    .raw()
    .toBuffer({ resolveWithObject: true })
    .then(({ data, info }) => ({ data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3 }));
}

function fromRaster(raster: Raster): Sharp {
  const { width, height, channels } = raster;
  return sharp(raster.data, { raw: { width, height, channels } });
}

export type PictureSpec = { seed: string; caption: string; width: number; height: number; transparent: boolean };

/** The generated picture: gradient (or nothing, when transparent), a shape and the caption. */
export async function drawPicture(spec: PictureSpec): Promise<Raster> {
  const { width, height, transparent } = spec;
  const design = designFor(spec.seed);
  const channels = transparent ? 4 : 3;
  // Buffer.alloc zero-fills, which is exactly a fully transparent canvas.
  const raster: Raster = { data: Buffer.alloc(width * height * channels), width, height, channels };
  if (!transparent) paintGradient(design, raster);
  await applySticker(raster, shapeSticker(design, width, height));
  if (spec.caption) await applySticker(raster, captionSticker(spec.caption, width, height));
  return raster;
}

/**
 * Per-pixel noise of up to ±amplitude levels, the fine detail of a photograph: with it a PNG weighs
 * what a real one does (a 3840x2160 one over 10 MB) rather than the few hundred KB a smooth drawing
 * compresses to, so the studio's memory and transfer are tried at real sizes. Alpha is left alone.
 */
export function addGrain(raster: Raster, amplitude: number): Raster {
  if (amplitude <= 0) return raster;
  const { data, channels } = raster;
  const span = 2 * amplitude + 1;
  let state = 0x9e3779b9;
  for (let i = 0; i < data.length; i++) {
    if (channels === 4 && i % 4 === 3) continue;
    // xorshift32: fast enough for 25 million values, and the same grain every time.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = data[i]! + ((state >>> 0) % span) - amplitude;
    data[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  return raster;
}

export type EditSpec = { picture: PictureSpec; image: Buffer; mask?: Buffer };

/**
 * An edit: the first input image scaled to the output size, with the drawn picture showing through
 * where the mask is transparent (alpha 0 = fully repainted, partial alpha = blended). Without a mask
 * the whole image is repainted, as the real model does.
 */
export async function paintEdit(spec: EditSpec): Promise<Raster> {
  const { width, height } = spec.picture;
  const drawn = await drawPicture({ ...spec.picture, transparent: false });
  if (!spec.mask) return drawn;
  // sRGB first: greyscale inputs would otherwise come out with one channel (two with alpha).
  const [base, keep] = await Promise.all([
    sharp(spec.image).resize(width, height, { fit: "fill" }).toColourspace("srgb").removeAlpha().raw().toBuffer(),
    sharp(spec.mask).resize(width, height, { fit: "fill" }).toColourspace("srgb").ensureAlpha().extractChannel(3).raw().toBuffer(),
  ]);
  // Blended in JS rather than with sharp's composite so opaque mask pixels keep the input's exact
  // values (composite premultiplies and can round them by one).
  const out = Buffer.alloc(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    const alpha = keep[pixel] ?? 0;
    for (let c = pixel * 3; c < pixel * 3 + 3; c++) {
      out[c] = alpha === 255 ? (base[c] ?? 0) : Math.round(((base[c] ?? 0) * alpha + (drawn.data[c] ?? 0) * (255 - alpha)) / 255);
    }
  }
  return { data: out, width, height, channels: 3 };
}

function encode(pipeline: Sharp, { format, compression, grained }: Encoding): Promise<Buffer> {
  // output_compression works as the encoder quality (100, the default, compresses least);
  // sharp's quality starts at 1.
  const quality = Math.min(100, Math.max(1, Math.round(compression)));
  switch (format) {
    case "png":
      return pipeline.png({ compressionLevel: grained ? 0 : PNG_COMPRESSION_LEVEL, adaptiveFiltering: false }).toBuffer();
    case "jpeg":
      return pipeline.jpeg({ quality }).toBuffer();
    case "webp":
      return pipeline.webp({ quality, effort: 0 }).toBuffer();
  }
}

export function encodeRaster(raster: Raster, encoding: Encoding): Promise<Buffer> {
  return encode(fromRaster(raster), encoding);
}

/** How far each of K partials is scaled down: coarsest first, the last one close to the final. */
export function partialScales(count: number): number[] {
  const ladder: Record<number, number[]> = { 1: [1 / 8], 2: [1 / 32, 1 / 4], 3: [1 / 32, 1 / 8, 1 / 2] };
  return ladder[count] ?? [];
}

/**
 * A partial preview: the final picture shrunk by `scale` and blown back up (pixelated), same size
 * and format; with grain, grained again after, as a real partial carries full-size detail.
 */
export async function encodePartial(raster: Raster, scale: number, encoding: Encoding, grain = 0): Promise<Buffer> {
  const small = await toRaster(
    fromRaster(raster).resize(
      Math.max(1, Math.round(raster.width * scale)),
      Math.max(1, Math.round(raster.height * scale)),
      { fit: "fill" },
    ),
  );
  const blocky = fromRaster(small).resize(raster.width, raster.height, { fit: "fill", kernel: "nearest" });
  if (grain <= 0) return encode(blocky, encoding);
  return encode(fromRaster(addGrain(await toRaster(blocky), grain)), encoding);
}

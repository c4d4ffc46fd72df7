import { deflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/** Pictures for the upload tests, made with sharp: seeded noise so the data is long and varied. */
export function noise(width: number, height: number, seed = 1): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = (state >>> 0) % 256;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

export function picture(format: "png" | "jpeg" | "webp", width = 320, height = 240, seed = 1): Promise<Buffer> {
  const image = noise(width, height, seed);
  return (format === "png" ? image.png() : format === "jpeg" ? image.jpeg({ quality: 90 }) : image.webp({ quality: 90 })).toBuffer();
}

/** An RGBA mask: alpha 0 (may change) inside the rectangle, 255 (keep) elsewhere. */
export function mask(width: number, height: number, hole: { left: number; top: number; width: number; height: number }): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4, 255);
  for (let y = hole.top; y < hole.top + hole.height; y++) {
    for (let x = hole.left; x < hole.left + hole.width; x++) pixels[(y * width + x) * 4 + 3] = 0;
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid black PNG written by hand, 1 bit per pixel: a 30000x30000 one (900 MP) is about 110 kB
 * that would inflate to gigabytes of pixels. The decompression bomb of the tests. Every byte of
 * its data is 0 (each row's filter byte and its black pixels), so it deflates in a few hundred ms.
 */
export function blackPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale, deflate, no filter, no interlace
  const rowBytes = 1 + Math.ceil(width / 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.alloc(rowBytes * height), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

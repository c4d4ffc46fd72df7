/**
 * gpt-image-2 size rules, written once and used by the form, the server, the job runner and the
 * local gateway simulator. The numbers come from the gateway contract.
 */
export const SIZE_LIMITS = {
  maxEdge: 3840,
  multiple: 16,
  maxAspect: 3,
  minPixels: 655_360,
  maxPixels: 8_294_400,
  /** Above this many pixels a size is "experimental": slower, costlier, more failures. */
  experimentalAbovePixels: 2560 * 1440,
} as const;

export const SIZE_PRESETS = [
  "1024x1024",
  "1536x1024",
  "1024x1536",
  "2048x2048",
  "2048x1152",
  "3840x2160",
  "2160x3840",
] as const;

export type SizeProblem = { rule: "format" | "edge" | "multiple" | "aspect" | "min-pixels" | "max-pixels"; message: string };

export type Dimensions = { width: number; height: number };

const SIZE_PATTERN = /^(\d{1,5})x(\d{1,5})$/;

export function parseSize(size: string): Dimensions | null {
  const match = SIZE_PATTERN.exec(size.trim());
  if (!match) return null;
  return { width: Number(match[1]), height: Number(match[2]) };
}

export function formatSize({ width, height }: Dimensions): string {
  return `${width}x${height}`;
}

/** Every rule a width/height pair breaks, in a stable order, each with a message a person can act on. */
export function checkDimensions({ width, height }: Dimensions): SizeProblem[] {
  const problems: SizeProblem[] = [];
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return [{ rule: "format", message: "Width and height must be whole numbers above zero" }];
  }
  const { maxEdge, multiple, maxAspect, minPixels, maxPixels } = SIZE_LIMITS;
  if (Math.max(width, height) > maxEdge) {
    problems.push({ rule: "edge", message: `The longest edge must be at most ${maxEdge} px` });
  }
  if (width % multiple !== 0 || height % multiple !== 0) {
    problems.push({ rule: "multiple", message: `Width and height must both be divisible by ${multiple}` });
  }
  if (Math.max(width, height) / Math.min(width, height) > maxAspect) {
    problems.push({ rule: "aspect", message: `The long edge may be at most ${maxAspect} times the short edge` });
  }
  const pixels = width * height;
  if (pixels < minPixels) {
    problems.push({ rule: "min-pixels", message: `At least ${minPixels.toLocaleString("en-US")} pixels are needed (this is ${pixels.toLocaleString("en-US")})` });
  }
  if (pixels > maxPixels) {
    problems.push({ rule: "max-pixels", message: `At most ${maxPixels.toLocaleString("en-US")} pixels are allowed (this is ${pixels.toLocaleString("en-US")})` });
  }
  return problems;
}

/** Problems with a size string: `auto` or `WxH`. An empty list means the size is valid. */
export function checkSize(size: string): SizeProblem[] {
  if (size === "auto") return [];
  const dims = parseSize(size);
  if (!dims) return [{ rule: "format", message: 'Size must be "auto" or WIDTHxHEIGHT, for example 1024x1024' }];
  return checkDimensions(dims);
}

export function isExperimentalSize(size: string): boolean {
  const dims = parseSize(size);
  return dims !== null && dims.width * dims.height > SIZE_LIMITS.experimentalAbovePixels;
}

/** The pixel size the model draws for `auto`; used for cost estimates and the simulator. */
export const AUTO_SIZE: Dimensions = { width: 1024, height: 1024 };

export function resolveSize(size: string): Dimensions {
  return size === "auto" ? AUTO_SIZE : (parseSize(size) ?? AUTO_SIZE);
}

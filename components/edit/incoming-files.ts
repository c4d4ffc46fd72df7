/**
 * Where files picked, pasted or dropped on the edit page go: the first becomes the image to edit
 * when none is chosen yet, the rest references, up to the gateway's 16 images in all. What does
 * not fit, is plainly not a picture, or is larger than the server takes is named back to the
 * person. The server checks every file by its content anyway (lib/uploads); this only keeps
 * obvious mistakes off the wire.
 */
export const MAX_REFERENCES = 15;

const EDITABLE_TYPES = ["image/png", "image/jpeg", "image/webp"];
const EDITABLE_EXTENSIONS = /\.(png|jpe?g|webp)$/i;

/** What the file inputs offer in the picker. */
export const ACCEPT = EDITABLE_TYPES.join(",");

/** The server's own limits (lib/uploads/check-image.ts), handed to the page so they are written once. */
export type UploadLimits = { maxBytes: number; maxPixels: number };

type Incoming = { name: string; type: string; size: number };

export type Refusal = { name: string; reason: string };
export type Placement<F extends Incoming> = { image: F | null; references: F[]; refused: Refusal[] };

/** A PNG, JPEG or WebP by its type; by its name when the system gave it no type. */
export function isEditable(file: Pick<Incoming, "name" | "type">): boolean {
  return file.type === "" ? EDITABLE_EXTENSIONS.test(file.name) : EDITABLE_TYPES.includes(file.type);
}

type PlaceOptions = { hasImage: boolean; references: number; limits: UploadLimits; as?: "auto" | "references" };

export function placeIncoming<F extends Incoming>(files: readonly F[], { hasImage, references, limits, as = "auto" }: PlaceOptions): Placement<F> {
  const placement: Placement<F> = { image: null, references: [], refused: [] };
  let room = Math.max(0, MAX_REFERENCES - references);
  for (const file of files) {
    const name = file.name || "pasted image";
    if (!isEditable(file)) {
      placement.refused.push({ name, reason: "not a PNG, JPEG or WebP image" });
    } else if (file.size > limits.maxBytes) {
      placement.refused.push({ name, reason: `the file is ${megabytes(file.size)} MB; at most ${megabytes(limits.maxBytes)} MB is accepted` });
    } else if (as === "auto" && !hasImage && placement.image === null) {
      placement.image = file;
    } else if (room > 0) {
      placement.references.push(file);
      room -= 1;
    } else {
      placement.refused.push({ name, reason: `at most ${MAX_REFERENCES} reference images go with the edited one` });
    }
  }
  return placement;
}

/** The edited image's pixel count against the server's cap: it is drawn and masked at full size here. */
export function pixelRefusal(name: string, size: { width: number; height: number }, limits: UploadLimits): Refusal | null {
  const pixels = size.width * size.height;
  if (pixels <= limits.maxPixels) return null;
  return { name, reason: `it is ${size.width}x${size.height} (${(pixels / 1e6).toFixed(1)} megapixels); at most ${(limits.maxPixels / 1e6).toFixed(0)} megapixels are accepted` };
}

/** The refusals as one sentence per file, "name: why". */
export function refusalText(refused: readonly Refusal[]): string[] {
  return refused.map(({ name, reason }) => `${name}: ${reason}`);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

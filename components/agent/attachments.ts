import { isEditable, type Refusal, type UploadLimits } from "@/components/edit/incoming-files";

/**
 * The images going with the next message: files picked, pasted or dropped here, and images
 * already stored (from earlier in the conversation). Uploads come first, as the server sees them
 * (its `image[]` files, then `imageIds`), so "the first image" — the one a mask is painted on —
 * is the same on both sides. Pure, so the order and the cap are tested.
 */
export type UploadAttachment = { key: string; kind: "upload"; file: File; url: string; width: number; height: number };
export type PickedAttachment = { key: string; kind: "picked"; id: string; url: string; thumbUrl: string; width: number; height: number };
export type Attachment = UploadAttachment | PickedAttachment;

export function ordered(items: readonly Attachment[]): Attachment[] {
  return [...items.filter((item) => item.kind === "upload"), ...items.filter((item) => item.kind === "picked")];
}

export function firstAttachment(items: readonly Attachment[]): Attachment | null {
  return ordered(items)[0] ?? null;
}

/** Which files may join `count` images already chosen, and why the others may not. */
export function admit<F extends { name: string; type: string; size: number }>(files: readonly F[], count: number, max: number, limits: UploadLimits): { admitted: F[]; refused: Refusal[] } {
  const admitted: F[] = [];
  const refused: Refusal[] = [];
  for (const file of files) {
    const name = file.name || "pasted image";
    if (!isEditable(file)) refused.push({ name, reason: "not a PNG, JPEG or WebP image" });
    else if (file.size > limits.maxBytes) refused.push({ name, reason: `the file is larger than ${Math.round(limits.maxBytes / (1024 * 1024))} MB` });
    else if (count + admitted.length >= max) refused.push({ name, reason: `at most ${max} images go with one message` });
    else admitted.push(file);
  }
  return { admitted, refused };
}

import { isEditable, type Refusal, type UploadLimits } from "@/components/edit/incoming-files";
import { truncate } from "@/components/history/detail/format";

/**
 * The images going with the next message: files picked, pasted or dropped here, and images
 * already stored (from earlier in the conversation, or from history). Uploads come first, as the server sees them
 * (its `image[]` files, then `imageIds`), so "the first image" — the one a mask is painted on —
 * is the same on both sides. Pure, so the order and the cap are tested.
 */
export type UploadAttachment = { key: string; kind: "upload"; file: File; url: string; width: number; height: number };
/** Where a stored image was picked: it says so under its thumbnail. */
export type PickSource = "conversation" | "history";
export type StoredImage = { id: string; url: string; thumbUrl: string; width: number; height: number };
export type PickedAttachment = StoredImage & { key: string; kind: "picked"; from: PickSource };
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

export const fullText = (max: number) => `That image was not added: at most ${max} images go with one message.`;

/**
 * Picks a stored image, or unpicks it when it is already chosen (from wherever it was picked).
 * `count` is every image chosen so far, uploads still loading included; at `max` nothing joins,
 * and `refusal` says why. Conversation and history picks share this one list and this one cap.
 */
export function togglePicked(
  items: readonly Attachment[],
  image: StoredImage,
  from: PickSource,
  count: number,
  max: number,
): { items: Attachment[]; change: "added" | "removed" | "none"; refusal: string | null } {
  const isIt = (item: Attachment) => item.kind === "picked" && item.id === image.id;
  if (items.some(isIt)) return { items: items.filter((item) => !isIt(item)), change: "removed", refusal: null };
  if (count >= max) return { items: [...items], change: "none", refusal: fullText(max) };
  const { id, url, thumbUrl, width, height } = image;
  return { items: [...items, { key: `picked-${id}`, kind: "picked", from, id, url, thumbUrl, width, height }], change: "added", refusal: null };
}

/** The accessible name of a history thumbnail in the picker. */
export function pickLabel(prompt: string): string {
  return `Pick ${truncate(prompt, 60) || "an untitled generation"}`;
}

/** What the chosen-images list says an image is. */
export function attachmentAbout(item: Attachment): string {
  if (item.kind === "upload") return item.file.name || "pasted image";
  return item.from === "history" ? "from history" : "from the conversation";
}

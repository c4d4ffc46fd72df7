/**
 * The body of `POST /api/conversations/<id>/messages`, built from what the composer holds. Pure
 * (FormData and Blob exist in browsers and in Node alike), so what is sent, and in what order, is
 * tested. Without files it is JSON; with an upload or a mask it is multipart, files as `image[]`,
 * images already stored as repeated `imageIds`, the mask as `mask`.
 */
export type MessageBody = { kind: "json"; body: { text: string; imageIds?: string[] } } | { kind: "form"; body: FormData };

export type OutgoingMessage = {
  text: string;
  /** Files picked, pasted or dropped, in the order shown (they come before the stored images). */
  files: readonly File[];
  /** Images already stored: picked from earlier in the conversation or from history. */
  imageIds: readonly string[];
  /** From the mask editor, for the first image: alpha 0 where painted. */
  mask: Blob | null;
};

export function buildMessageBody({ text, files, imageIds, mask }: OutgoingMessage): MessageBody {
  if (files.length === 0 && mask === null) {
    return { kind: "json", body: imageIds.length > 0 ? { text, imageIds: [...imageIds] } : { text } };
  }
  const body = new FormData();
  body.append("text", text);
  for (const file of files) body.append("image[]", file, file.name || "pasted-image.png");
  for (const id of imageIds) body.append("imageIds", id);
  if (mask) body.append("mask", mask, "mask.png");
  return { kind: "form", body };
}

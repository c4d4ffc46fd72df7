import type { ContextMessage, TurnContext } from "@/lib/db/conversations";
import type { InputImage } from "@/lib/gateway/edit";
import { dataUrl, type InputMessage, type UserPart } from "@/lib/gateway/responses";

/**
 * What one turn sends: the conversation as stored, rebuilt on every request (sub2api drops
 * `previous_response_id`, so the gateway keeps nothing between calls). Every earlier message goes
 * as text, in order. Images cost tokens and time on every request, so only those the turn is
 * likely about are resent, in the current message after its text: the latest image the tool made,
 * then the ones attached or picked in this message (oldest first, so "the latest image" is the
 * one just given), at most `maxImages` of them (AGENT_MAX_IMAGES), the message's own kept first;
 * the reader shrinks each (AGENT_IMAGE_EDGE).
 *
 * A mask (`input_image_mask`) is for the message's first image. Which input image a gateway
 * edits under it is not settled: the edits endpoint masks the first image, the simulator edits the
 * last. So a masked image goes last, and the latest made picture is not resent beside it: with one
 * image attached or picked, it is then both the first and the last image sent.
 */
export type { ContextMessage };

/** An image's bytes as they are to be sent (already shrunk), or null when the image is gone. */
export type ImageReader = (imageId: string) => Promise<InputImage | null>;

export type BuiltInput = {
  input: InputMessage[];
  /** The images sent, in the order sent. */
  resent: string[];
  /** Images of the current message, or the latest one, left out by the cap or gone from the store. */
  left: { capped: string[]; gone: string[] };
  /** The current message's mask, for the tool's `input_image_mask`: only when its image is sent. */
  mask: InputImage | null;
};

export async function buildResponsesInput(context: Pick<TurnContext, "messages">, readImage: ImageReader, maxImages: number): Promise<BuiltInput> {
  const messages = context.messages;
  const current = messages.at(-1);
  if (!current || current.role !== "user") throw new Error("A turn answers a user message: the conversation must end with one");
  const { order, capped, masked } = chooseImages(current, messages.slice(0, -1), maxImages);
  const resent: string[] = [];
  const gone: string[] = [];
  const images: InputImage[] = [];
  for (const id of order) {
    const image = await readImage(id);
    if (!image) {
      gone.push(id);
      continue;
    }
    resent.push(id);
    images.push(image);
  }
  // Sent without its image, the mask would land on another.
  const mask = current.maskImageId && masked !== undefined && resent.includes(masked) ? await readImage(current.maskImageId) : null;
  // A message with nothing to say (a reply that was only a failed tool call) would be refused.
  const input = messages.slice(0, -1).flatMap((message) => asMessage(message) ?? []);
  input.push({ role: "user", content: [...textPart(current.text), ...images.map((image): UserPart => ({ type: "input_image", image_url: dataUrl(image) }))] });
  return { input, resent, left: { capped, gone }, mask };
}

/** Which images go, in the order sent, and which the cap leaves out: the message's own are kept first. */
function chooseImages(current: ContextMessage, earlier: ContextMessage[], maxImages: number): { order: string[]; capped: string[]; masked: string | undefined } {
  const own = unique(current.imageIds);
  const masked = current.maskImageId ? own[0] : undefined;
  const priority = masked ? own : unique([...own, ...latestMade(earlier)]);
  const limit = Math.max(0, maxImages);
  const kept = priority.slice(0, limit);
  const last = (id: string) => (masked ? id === masked : own.includes(id));
  return { order: [...kept.filter((id) => !last(id)), ...kept.filter(last)], capped: priority.slice(limit), masked };
}

/** The last image of the latest assistant message that has any: the picture the talk is about. */
function latestMade(earlier: ContextMessage[]): string[] {
  for (let i = earlier.length - 1; i >= 0; i--) {
    const message = earlier[i]!;
    if (message.role === "assistant" && message.imageIds.length > 0) return [message.imageIds.at(-1)!];
  }
  return [];
}

/**
 * An earlier message as text. Its images are not resent, but the text model is told they were
 * there, so "the second one" or "the picture I sent" still reads as a reference to something.
 */
function asMessage(message: ContextMessage): InputMessage | null {
  const count = message.imageIds.length;
  const note = count === 0 ? "" : message.role === "assistant" ? `[made ${plural(count)}]` : `[attached ${plural(count)}]`;
  const text = [message.text, note].filter(Boolean).join("\n");
  if (!text) return null;
  if (message.role === "assistant") return { role: "assistant", content: [{ type: "output_text", text }] };
  return { role: "user", content: textPart(text) };
}

function textPart(text: string): UserPart[] {
  return text ? [{ type: "input_text", text }] : [];
}

function plural(count: number): string {
  return count === 1 ? "1 image" : `${count} images`;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

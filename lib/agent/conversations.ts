import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { checkAgentSettings, DEFAULT_AGENT_SETTINGS, type AgentSettings } from "@/lib/agent/settings";
import {
  activeTurnOf,
  deleteOwnedConversation,
  findConversation,
  insertConversation,
  listOwnedConversations,
  messagesOf,
  turnInsertFailure,
  turnsOf,
  updateOwnedConversation,
  type ConversationSummary,
  type StoredMessage,
  type TurnState,
  type TurnSummary,
} from "@/lib/db/conversations";
import { ownedInputImages } from "@/lib/db/edits";
import type { NewInputImage } from "@/lib/db/generation-queue";
import { env, type Env } from "@/lib/env";
import { ApiError, notFound, validate } from "@/lib/errors";
import { budgetStatus, enforceBudgets } from "@/lib/generations/budget";
import { estimateFor } from "@/lib/generations/estimate";
import { MAX_PROMPT_CHARS } from "@/lib/generations/request-schema";
import { localRunner } from "@/lib/jobs/local-runner";
import { enqueueJob } from "@/lib/jobs/queue";
import { screenPrompt } from "@/lib/safety/prefilter";
import { blobStore } from "@/lib/storage";
import { checkUpload, uploadError, type CheckedUpload } from "@/lib/uploads/check-image";
import { printable, storableText } from "@/lib/validation/storable-text";
import { isUuid } from "@/lib/validation/uuid";

/**
 * Agent conversations for an owner: the one path behind the conversation routes. A message is
 * checked cheapest first (its text, the ids it names, the conversation and whether a turn of it is
 * still going, the settings, the history images, the budgets, then every file by its content), and
 * only then are its attachments stored and its turn queued: a refused message leaves nothing
 * behind and sends nothing upstream.
 */
export const MAX_TITLE_CHARS = 200;
export const MAX_MESSAGE_CHARS = MAX_PROMPT_CHARS;
/** Images one message may attach or pick; far above what is resent (AGENT_MAX_IMAGES). */
export const MAX_MESSAGE_IMAGES = 16;
const MAX_LISTED = 200;
/** A picked image must be a picture: a result, an attachment, or an edit's source. */
const PICKABLE = new Set(["final", "attachment", "source"]);

const title = z
  .string({ error: "title must be text" })
  .check(storableText("title"))
  .trim()
  .max(MAX_TITLE_CHARS, { error: `title must be at most ${MAX_TITLE_CHARS} characters` })
  .nullable()
  // An empty title is no title: the conversation is named from its first message again.
  .transform((value) => (value ? value : null));

const strictBody = (example: string) => ({
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === "unrecognized_keys" ? `Unknown field: ${(issue.keys as string[]).map(printable).join(", ")}` : `The body must be a JSON object such as ${example}`,
});
const conversationInput = z.strictObject({ title: title.optional(), settings: z.unknown().optional() }, strictBody('{"title": "Posters"}'));

const rules = (settings: Env) => ({ allowTransparent: settings.ALLOW_TRANSPARENT_BACKGROUND });
const defaults = (settings: Env): AgentSettings => ({ ...DEFAULT_AGENT_SETTINGS, textModel: settings.AGENT_TEXT_MODEL });

function settingsOrThrow(changes: unknown, base: AgentSettings, settings: Env): AgentSettings {
  const check = checkAgentSettings(changes, base, rules(settings));
  if (!check.ok) throw new ApiError(422, "invalid_request", check.message, check.field);
  return check.settings;
}

export type ConversationView = { id: string; title: string | null; settings: AgentSettings };

export async function createConversation(ownerId: string, input: unknown): Promise<ConversationView> {
  const settings = env();
  const body = validate(conversationInput, input ?? {});
  const chosen = settingsOrThrow(body.settings, defaults(settings), settings);
  const row = await insertConversation(ownerId, body.title ?? null, chosen);
  return { id: row.id, title: row.title, settings: row.settings };
}

export async function listConversations(ownerId: string): Promise<{ items: ConversationSummary[] }> {
  return { items: await listOwnedConversations(ownerId, MAX_LISTED) };
}

export type ConversationDetail = ConversationView & {
  messages: (StoredMessage & { turn: TurnSummary | null })[];
  activeTurn: TurnState | null;
  /** What each request resends of the conversation's images (stated in the UI). */
  limits: { maxImages: number; imageEdge: number };
};

export async function conversationDetail(ownerId: string, id: string): Promise<ConversationDetail> {
  const conversation = await findConversation(ownerId, id);
  if (!conversation) throw notFound("Conversation");
  const [messages, turns, activeTurn] = await Promise.all([messagesOf(ownerId, id), turnsOf(ownerId, id), activeTurnOf(ownerId, id)]);
  const settings = env();
  return {
    id: conversation.id,
    title: conversation.title,
    settings: conversation.settings,
    // A user message's turn, with how it ended: a reply that never came says why there.
    messages: messages.map((message) => ({ ...message, turn: message.role === "user" && message.turnId ? (turns.get(message.turnId) ?? null) : null })),
    activeTurn,
    limits: { maxImages: settings.AGENT_MAX_IMAGES, imageEdge: settings.AGENT_IMAGE_EDGE },
  };
}

/** Renames it and/or changes its settings (the changes over the stored settings, checked whole). */
export async function updateConversation(ownerId: string, id: string, input: unknown): Promise<ConversationView> {
  const settings = env();
  const body = validate(conversationInput, input);
  const current = await findConversation(ownerId, id);
  if (!current) throw notFound("Conversation");
  const changes = {
    ...(body.title !== undefined ? { title: body.title } : {}),
    ...(body.settings !== undefined ? { settings: settingsOrThrow(body.settings, current.settings, settings) } : {}),
  };
  const row = await updateOwnedConversation(ownerId, id, changes);
  if (!row) throw notFound("Conversation");
  return { id: row.id, title: row.title, settings: row.settings };
}

const turnActive = (what: string) => new ApiError(409, "turn_active", `A reply in this conversation is still queued or running; ${what}`);

/** Deletes it with its messages; its turns and their images stay in history. 409 while a turn runs. */
export async function deleteConversation(ownerId: string, id: string): Promise<{ id: string; deleted: true }> {
  const outcome = await deleteOwnedConversation(ownerId, id);
  if (outcome === "not_found") throw notFound("Conversation");
  if (outcome === "active") throw turnActive("wait for it to finish or cancel it, then delete the conversation");
  return { id, deleted: true };
}

export type MessageInput = {
  text: unknown;
  /** Ids of the owner's stored images (history, or earlier in the conversation), as sent. */
  imageIds: unknown[];
  /** Uploaded attachments, in the order sent. */
  files: File[];
  /** For the message's first image (the first file, else the first picked image). */
  mask: File | null;
  settings?: unknown;
};

const messageText = z
  .string({ error: "text must be text" })
  .check(storableText("text"))
  .trim()
  .min(1, { error: "text is empty: say what you want" })
  .max(MAX_MESSAGE_CHARS, { error: `text is longer than ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters` });

/** Stores the owner's message in a conversation and queues the turn that answers it: 202 `{turnId, messageId}`. */
export async function sendMessage(ownerId: string, conversationId: string, input: MessageInput): Promise<{ turnId: string; messageId: string }> {
  const settings = env();
  const text = checkedText(input.text);
  const pickedIds = checkedIds(input.imageIds);
  const imageCount = input.files.length + pickedIds.length;
  if (imageCount > MAX_MESSAGE_IMAGES) throw new ApiError(422, "invalid_request", `A message may carry at most ${MAX_MESSAGE_IMAGES} images (this one has ${imageCount})`, "image[]");
  if (input.mask && imageCount === 0) throw new ApiError(422, "invalid_request", "mask needs an image to apply to: attach one (image[]) or pick one (imageIds)", "mask");

  const conversation = await findConversation(ownerId, conversationId);
  if (!conversation) throw notFound("Conversation");
  if (await activeTurnOf(ownerId, conversationId)) throw turnActive("wait for it to finish before sending another message");
  const turnSettings = settingsOrThrow(input.settings, conversation.settings, settings);
  const picked = await pickedImages(ownerId, pickedIds);
  await enforceTurnBudgets(ownerId, turnSettings, settings);

  const attachments: CheckedUpload[] = [];
  // One file at a time: many large files decoded at once would hold them all in memory together.
  for (const file of input.files) attachments.push(await checkUpload(await bytesOf(file), file.name || `image[] ${attachments.length + 1}`, "image"));
  const first = attachments[0] ?? picked[0];
  const mask = input.mask && first ? await checkedMask(input.mask, first) : null;

  const store = blobStore();
  const rows: NewInputImage[] = [];
  for (const [index, image] of attachments.entries()) rows.push(inputRow("attachment", index, await store.put(image.bytes), image));
  const maskRow = mask ? inputRow("mask", 0, await store.put(mask.bytes), mask) : null;
  if (maskRow) rows.push(maskRow);

  const messageId = randomUUID();
  const imageIds = [...rows.filter((row) => row.kind === "attachment").map((row) => row.id), ...picked.map((image) => image.id)];
  const turn = { conversationId, messageId, text, imageIds, maskImageId: maskRow?.id ?? null, images: rows, settings: turnSettings };
  try {
    const { id } = await enqueueJob(ownerId, { kind: "agent-turn", conversationId, userMessageId: messageId, settings: turnSettings }, settings.gateway, localRunner(), { turn });
    return { turnId: id, messageId };
  } catch (error) {
    // Another message got its turn in first, or the conversation was deleted meanwhile.
    const failure = turnInsertFailure(error);
    if (failure === "turn_active") throw turnActive("wait for it to finish before sending another message");
    if (failure === "conversation_gone") throw notFound("Conversation");
    throw error;
  }
}

/** The tool's image, priced as a generation of its size and quality (the text model's tokens add to it); looked up only with a budget set. */
async function enforceTurnBudgets(ownerId: string, turn: AgentSettings, settings: Env): Promise<void> {
  const budgets = await budgetStatus(ownerId, settings);
  if (budgets.length === 0) return;
  const estimate = await estimateFor(ownerId, { size: turn.size, quality: turn.quality, output_format: turn.format, n: 1, partial_images: turn.partialImages }, settings);
  enforceBudgets(budgets, estimate.costUsd);
}

function checkedText(value: unknown): string {
  const { text } = validate(z.object({ text: messageText }), { text: value });
  const screening = screenPrompt(text);
  if (!screening.ok) throw new ApiError(422, "prompt_refused", screening.message, "text");
  return text;
}

/** Anything but a UUID is an image this owner does not have, as for any id (lib/http/handle.ts). */
function checkedIds(values: unknown[]): string[] {
  return values.map((value) => {
    if (!isUuid(value)) throw notFound(`imageIds ${printable(String(value)).slice(0, 60)}`, "imageIds");
    return value.toLowerCase();
  });
}

type Picked = { id: string; width: number; height: number };

/** The owner's pictures among the ids, in the order named; another's, or a partial, mask or raw row, is not found. */
async function pickedImages(ownerId: string, ids: string[]): Promise<Picked[]> {
  const found = await ownedInputImages(ownerId, ids);
  return ids.map((id) => {
    const image = found.get(id);
    if (!image || !PICKABLE.has(image.kind)) throw notFound(`imageIds ${id}`, "imageIds");
    return { id, width: image.width, height: image.height };
  });
}

/** A PNG with alpha at the size of the image it applies to, or 422 naming `mask`. */
async function checkedMask(file: File, image: { width: number; height: number; name?: string }): Promise<CheckedUpload> {
  const mask = await checkUpload(await bytesOf(file), file.name || "mask", "mask");
  if (mask.format !== "png") throw uploadError("mask", mask.name, `a mask must be a PNG with an alpha channel (this is a ${mask.format.toUpperCase()})`);
  if (!mask.hasAlpha) throw uploadError("mask", mask.name, "the mask has no alpha channel: paint the area to change as transparent");
  if (mask.width !== image.width || mask.height !== image.height) {
    const which = image.name ? `the first image, ${image.name},` : "the first image";
    throw uploadError("mask", mask.name, `the mask is ${mask.width}x${mask.height} but ${which} is ${image.width}x${image.height}; they must match`);
  }
  return mask;
}

async function bytesOf(file: File): Promise<Buffer> {
  return Buffer.from(await file.arrayBuffer());
}

function inputRow(kind: NewInputImage["kind"], imageIndex: number, sha256: string, image: CheckedUpload): NewInputImage {
  return { id: randomUUID(), kind, imageIndex, sha256, format: image.format, width: image.width, height: image.height, bytes: image.bytes.length };
}

import { z } from "zod";
import { DEFAULT_SETTINGS, DEFAULT_RESEND, ACTION_OPTIONS, type ResendLimits, type ToolSettings } from "@/components/agent/tool-settings-values";
import { BACKGROUND_OPTIONS, FORMAT_OPTIONS, QUALITY_OPTIONS } from "@/components/studio/form-values";
import type { MessageBody } from "@/components/agent/message-body";

/**
 * The browser's side of the conversation endpoints. Every answer is parsed, so a change on the
 * server shows as an error naming the endpoint rather than as a page drawing `undefined`; fields
 * the page can live without are tolerated when missing and filled from the defaults.
 */

export class AgentRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = "AgentRequestError";
  }
}

export const isClientError = (error: unknown) => error instanceof AgentRequestError && error.status >= 400 && error.status < 500;

const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const settingsSchema = z.object({
  textModel: loose(z.string()),
  size: loose(z.string()),
  quality: loose(z.enum(QUALITY_OPTIONS)),
  format: loose(z.enum(FORMAT_OPTIONS)),
  compression: loose(z.number().nullable()),
  background: loose(z.enum(BACKGROUND_OPTIONS)),
  partialImages: loose(z.number().int()),
  action: loose(z.enum(ACTION_OPTIONS)),
  // The resend cap, when the server states it with the settings (else the documented defaults).
  maxImages: loose(z.number().int().positive()),
  imageEdge: loose(z.number().int().positive()),
});
type SettingsAnswer = z.infer<typeof settingsSchema>;

const imageSchema = z.object({ id: z.string(), url: z.string(), thumbUrl: z.string(), width: z.number(), height: z.number() });
export type MessageImage = z.infer<typeof imageSchema>;

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? "");

const messageSchema = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  text,
  images: z.array(imageSchema).default([]),
  maskImageId: z.string().nullish().default(null),
  turnId: z.string().nullish().default(null),
  createdAt: z.string(),
  /** A person's message: how its turn stands, so a reply that never came can say why. */
  turn: z
    .object({ id: z.string(), status: z.string(), error: z.object({ code: z.string(), message: z.string() }).nullish().default(null) })
    .nullish()
    .catch(null)
    .transform((turn) => turn ?? null),
});
export type StoredMessage = z.infer<typeof messageSchema>;

const detailSchema = z.object({
  id: z.string(),
  title: z.string().nullish().default(null),
  settings: settingsSchema.nullish(),
  messages: z.array(messageSchema),
  activeTurn: z.object({ id: z.string(), status: z.string() }).nullish().default(null),
  limits: loose(z.object({ maxImages: z.number().int().positive(), imageEdge: z.number().int().positive() })),
});

export type ConversationDetail = {
  id: string;
  title: string | null;
  settings: ToolSettings;
  resend: ResendLimits;
  messages: StoredMessage[];
  activeTurn: { id: string; status: string } | null;
};

/** The last message, as the list shows it: a line of text, whichever shape the server sends it in. */
const lastMessageSchema = z
  .union([z.string(), z.object({ text: z.string().nullish() }).transform((message) => message.text ?? null)])
  .nullish()
  .catch(null)
  .transform((value) => (value === undefined ? null : value));

const summarySchema = z.object({ id: z.string(), title: z.string().nullish().default(null), updatedAt: z.string(), lastMessage: lastMessageSchema });
export type ConversationSummary = z.infer<typeof summarySchema>;

const listSchema = z.object({ items: z.array(summarySchema) });
const createdSchema = z.object({ id: z.string() });
const sentSchema = z.object({ turnId: z.string(), messageId: z.string().nullish().default(null) });

/** A page of `GET /api/generations`, as far as the history picker needs it: a cover per generation. */
const historyPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      prompt: text,
      cover: z.object({ id: z.string(), width: z.number(), height: z.number(), thumbUrl: z.string() }).nullish().catch(null),
    }),
  ),
});

/** A recent generation's cover, ready to go with a message as a stored image. */
export type HistoryPick = { generationId: string; prompt: string; image: MessageImage };

export const HISTORY_PICK_LIMIT = 24;

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

type Init = RequestInit & { json?: unknown };

async function call<T>(url: string, schema: z.ZodType<T>, { json, ...init }: Init = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("accept", "application/json");
  if (json !== undefined) headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers, body: json !== undefined ? JSON.stringify(json) : init.body });
  } catch (error) {
    if (init.signal?.aborted) throw error; // a cancelled query, not a failure to show
    throw new AgentRequestError("The studio could not reach the server; check the connection and try again.", "network_error", 0);
  }
  const answer: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw errorOf(answer, response.status);
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new AgentRequestError(`The server's answer to ${init.method ?? "GET"} ${url} was not in the expected shape.`, "unexpected_response", response.status);
  return parsed.data;
}

function errorOf(answer: unknown, status: number): AgentRequestError {
  const parsed = errorSchema.safeParse(answer);
  if (parsed.success) return new AgentRequestError(parsed.data.error.message, parsed.data.error.code, status);
  if (status === 413) return new AgentRequestError("The server refused the upload as too large (HTTP 413).", "payload_too_large", status);
  return new AgentRequestError(`The server answered HTTP ${status} without saying why; try again.`, `http_${status}`, status);
}

const base = "/api/conversations";
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export async function listConversations(signal?: AbortSignal): Promise<ConversationSummary[]> {
  return (await call(base, listSchema, { signal })).items;
}

export async function createConversation(): Promise<{ id: string }> {
  return call(base, createdSchema, { method: "POST", json: {} });
}

export async function fetchConversation(id: string, signal?: AbortSignal): Promise<ConversationDetail> {
  const answer = await call(one(id), detailSchema, { signal });
  return {
    id: answer.id,
    title: answer.title,
    settings: settingsFrom(answer.settings),
    resend: resendFrom(answer.settings, answer.limits),
    messages: answer.messages,
    activeTurn: answer.activeTurn,
  };
}

export async function renameConversation(id: string, title: string): Promise<void> {
  await call(one(id), z.unknown(), { method: "PATCH", json: { title } });
}

/** Saves the tool settings; the answer's settings, when it sends them, are what was stored. */
export async function saveSettings(id: string, settings: Record<string, unknown>): Promise<void> {
  await call(one(id), z.unknown(), { method: "PATCH", json: { settings } });
}

export async function deleteConversation(id: string): Promise<void> {
  await call(one(id), z.unknown(), { method: "DELETE" });
}

export async function sendMessage(id: string, message: MessageBody): Promise<{ turnId: string; messageId: string | null }> {
  const url = `${one(id)}/messages`;
  return message.kind === "json" ? call(url, sentSchema, { method: "POST", json: message.body }) : call(url, sentSchema, { method: "POST", body: message.body });
}

/** The person's most recent finished generations that have a cover, newest first; `q` searches their prompts. */
export async function listHistoryPicks(q: string, signal?: AbortSignal): Promise<HistoryPick[]> {
  const params = new URLSearchParams({ status: "done", limit: String(HISTORY_PICK_LIMIT) });
  if (q.trim()) params.set("q", q.trim());
  const page = await call(`/api/generations?${params}`, historyPageSchema, { signal });
  return page.items.flatMap(({ id, prompt, cover }) =>
    cover ? [{ generationId: id, prompt, image: { id: cover.id, url: `/api/images/${encodeURIComponent(cover.id)}`, thumbUrl: cover.thumbUrl, width: cover.width, height: cover.height } }] : [],
  );
}

export function turnEventsUrl(conversationId: string, turnId: string): string {
  return `${one(conversationId)}/turns/${encodeURIComponent(turnId)}/events`;
}

function settingsFrom(answer: SettingsAnswer | null | undefined): ToolSettings {
  const given = answer ?? {};
  const pick = <K extends keyof ToolSettings>(key: K): ToolSettings[K] => (given[key] === undefined ? DEFAULT_SETTINGS[key] : (given[key] as ToolSettings[K]));
  return {
    textModel: pick("textModel"),
    size: pick("size"),
    quality: pick("quality"),
    format: pick("format"),
    compression: pick("compression"),
    background: pick("background"),
    partialImages: pick("partialImages"),
    action: pick("action"),
  };
}

function resendFrom(settings: SettingsAnswer | null | undefined, limits: ResendLimits | undefined): ResendLimits {
  return {
    maxImages: limits?.maxImages ?? settings?.maxImages ?? DEFAULT_RESEND.maxImages,
    imageEdge: limits?.imageEdge ?? settings?.imageEdge ?? DEFAULT_RESEND.imageEdge,
  };
}

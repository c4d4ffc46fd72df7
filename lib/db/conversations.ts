import "server-only";
import { randomUUID } from "node:crypto";
import { db, sqlRows } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { NewInputImage } from "@/lib/db/generation-queue";
import { LeaseLost, ownedRow, type Lease } from "@/lib/db/lease";
import type { AgentSettings } from "@/lib/agent/settings";

/**
 * The `conversations` and `conversation_messages` tables: owner-scoped reads and writes for the
 * conversation routes, and, for the turn's runner, its context and its reply (fenced by the
 * turn's lease). A user message is written in the very statement that queues its turn
 * (`turnMessageWith`, inside insertJob), so a message never exists without its turn, nor a turn
 * without its message.
 */
export type ConversationRow = { id: string; title: string | null; settings: AgentSettings; createdAt: Date; updatedAt: Date };
export type MessageRole = "user" | "assistant";
export type TurnState = { id: string; status: string };

/** A conversation's title from its first message: the first ~60 characters, cut at a word. One rule, in SQL, for both writers. */
const TITLE_CHARS = 60;
function titleFrom(text: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT nullif(CASE WHEN char_length(t) <= ${TITLE_CHARS}::int THEN t
      ELSE coalesce(nullif(regexp_replace(left(t, ${TITLE_CHARS}::int), '\\s+\\S*$', ''), ''), left(t, ${TITLE_CHARS}::int)) || '…' END, '')
    FROM (SELECT btrim(regexp_replace(${text}, '\\s+', ' ', 'g')) AS t) AS collapsed)`;
}
const firstMessageTitle = (conversation: Prisma.Sql) =>
  titleFrom(Prisma.sql`(SELECT m.text FROM conversation_messages m WHERE m.conversation_id = ${conversation} ORDER BY m.position LIMIT 1)`);

const ACTIVE = Prisma.sql`('queued', 'running')`;

const CONVERSATION = { id: true, title: true, settings: true, createdAt: true, updatedAt: true } as const;
/** `settings` is stored only as validated (lib/agent/settings.ts), so it is read back as such. */
const asRow = (row: Omit<ConversationRow, "settings"> & { settings: unknown }) => row as ConversationRow;

export async function insertConversation(ownerId: string, title: string | null, settings: AgentSettings): Promise<ConversationRow> {
  return asRow(await db().conversation.create({ data: { id: randomUUID(), ownerId, title, settings }, select: CONVERSATION }));
}

export async function findConversation(ownerId: string, id: string): Promise<ConversationRow | null> {
  const row = await db().conversation.findFirst({ where: { id, ownerId }, select: CONVERSATION });
  return row ? asRow(row) : null;
}

/** The conversation's turn still queued or running, if any (at most one: an index in the migrations). */
export async function activeTurnOf(ownerId: string, conversationId: string): Promise<TurnState | null> {
  return db().generation.findFirst({
    where: { ownerId, conversationId, status: { in: ["queued", "running"] } },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true },
  });
}

export type ConversationSummary = { id: string; title: string | null; updatedAt: string; lastMessage: { role: MessageRole; text: string } | null };

/** The owner's conversations, most recently active first, each with the start of its last message. */
export async function listOwnedConversations(ownerId: string, limit: number): Promise<ConversationSummary[]> {
  const rows = await db().$queryRaw<{ id: string; title: string | null; updatedAt: Date; role: MessageRole | null; text: string | null }[]>`
    SELECT c.id::text, c.title, c.updated_at AS "updatedAt", last.role, last.text
    FROM conversations c
    LEFT JOIN LATERAL (
      SELECT m.role, left(m.text, 200) AS text FROM conversation_messages m WHERE m.conversation_id = c.id ORDER BY m.position DESC LIMIT 1
    ) last ON true
    WHERE c.owner_id = ${ownerId}::uuid
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT ${limit}`;
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    updatedAt: row.updatedAt.toISOString(),
    lastMessage: row.role ? { role: row.role, text: row.text ?? "" } : null,
  }));
}

export type MessageImage = { id: string; url: string; thumbUrl: string; width: number; height: number };
export type StoredMessage = {
  id: string;
  role: MessageRole;
  text: string;
  images: MessageImage[];
  maskImageId: string | null;
  turnId: string | null;
  createdAt: string;
};

/**
 * A conversation's messages in order, each with its images as they still exist (in the order the
 * message named them; one deleted from history is left out).
 */
export async function messagesOf(ownerId: string, conversationId: string): Promise<StoredMessage[]> {
  const rows = await db().$queryRaw<{ id: string; role: MessageRole; text: string; images: Omit<MessageImage, "url" | "thumbUrl">[]; maskImageId: string | null; turnId: string | null; createdAt: Date }[]>`
    SELECT m.id::text, m.role, m.text, m.mask_image_id::text AS "maskImageId", m.turn_id::text AS "turnId", m.created_at AS "createdAt",
      coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', i.id, 'width', i.width, 'height', i.height) ORDER BY named.place)
        FROM unnest(m.image_ids) WITH ORDINALITY AS named (id, place)
        JOIN images i ON i.id = named.id AND i.owner_id = m.owner_id
      ), '[]'::jsonb) AS images
    FROM conversation_messages m
    WHERE m.conversation_id = ${conversationId}::uuid AND m.owner_id = ${ownerId}::uuid
    ORDER BY m.position`;
  return rows.map((row) => ({
    id: row.id,
    role: row.role,
    text: row.text,
    images: row.images.map((image) => ({ ...image, url: `/api/images/${image.id}`, thumbUrl: `/api/images/${image.id}/thumb` })),
    maskImageId: row.maskImageId,
    turnId: row.turnId,
    createdAt: row.createdAt.toISOString(),
  }));
}

export type TurnSummary = { id: string; status: string; error: { code: string; message: string } | null };

/** How each of the conversation's turns stands: what a reply that never came ended with. */
export async function turnsOf(ownerId: string, conversationId: string): Promise<Map<string, TurnSummary>> {
  const rows = await db().generation.findMany({
    where: { ownerId, conversationId },
    select: { id: true, status: true, errorCode: true, errorMessage: true },
  });
  return new Map(
    rows.map((row) => [
      row.id,
      { id: row.id, status: row.status, error: row.errorCode && (row.status === "failed" || row.status === "cancelled") ? { code: row.errorCode, message: row.errorMessage ?? "" } : null },
    ]),
  );
}

/** Renames and/or re-sets a conversation; null when the owner has no such conversation. */
export async function updateOwnedConversation(ownerId: string, id: string, changes: { title?: string | null; settings?: AgentSettings }): Promise<ConversationRow | null> {
  const { count } = await db().conversation.updateMany({
    where: { id, ownerId },
    data: { ...("title" in changes ? { title: changes.title } : {}), ...(changes.settings ? { settings: changes.settings } : {}), updatedAt: new Date() },
  });
  return count > 0 ? findConversation(ownerId, id) : null;
}

/**
 * Deletes a conversation and its messages, unless a turn of it is queued or running. Its turns
 * stay in history as ordinary generations, their `conversation_id` set null by the FK.
 */
export async function deleteOwnedConversation(ownerId: string, id: string): Promise<"deleted" | "active" | "not_found"> {
  const rows = await db().$queryRaw<{ deleted: boolean; active: boolean }[]>`
    WITH target AS (
      SELECT id FROM conversations WHERE id = ${id}::uuid AND owner_id = ${ownerId}::uuid FOR UPDATE
    ), busy AS (
      SELECT EXISTS (SELECT 1 FROM generations WHERE conversation_id IN (SELECT id FROM target) AND status IN ${ACTIVE}) AS active
    ), gone AS (
      DELETE FROM conversations WHERE id IN (SELECT id FROM target) AND NOT (SELECT active FROM busy) RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM gone) AS deleted, (SELECT active FROM busy) AS active`;
  const row = rows[0];
  if (row?.deleted) return "deleted";
  return row?.active ? "active" : "not_found";
}

/** Whether `turnId` is a turn of the owner's conversation `conversationId`. */
export async function isTurnOf(ownerId: string, conversationId: string, turnId: string): Promise<boolean> {
  // Straight on the pool: it runs as a live view opens, beside the turn's start.
  const rows = await sqlRows<{ id: string }>(Prisma.sql`
    SELECT id::text FROM generations WHERE id = ${turnId}::uuid AND owner_id = ${ownerId}::uuid AND conversation_id = ${conversationId}::uuid`);
  return rows.length > 0;
}

/**
 * A user message and what is stored with it, written with its turn (insertJob): the images it
 * attached (and its mask) as `images` rows of the turn, the message itself, and the conversation
 * touched: its settings as the turn uses them, its title if it has none, its `updated_at`.
 */
export type NewTurnMessage = {
  conversationId: string;
  messageId: string;
  text: string;
  /** The attachments' row ids, then the picked images' ids: the order the message names them in. */
  imageIds: string[];
  maskImageId: string | null;
  /** `attachment` and `mask` rows of the turn's generation. */
  images: NewInputImage[];
  settings: AgentSettings;
};

/** The message's CTEs, selecting the new turn's id and owner from `created` (insertJob). */
export function turnMessageWith(turn: NewTurnMessage): Prisma.Sql {
  const conversation = Prisma.sql`${turn.conversationId}::uuid`;
  // No row in `created` means no turn, and so no message: both come from it.
  return Prisma.sql`message AS (
      INSERT INTO conversation_messages (id, conversation_id, owner_id, position, role, text, image_ids, mask_image_id, turn_id)
      SELECT ${turn.messageId}::uuid, ${conversation}, created.owner_id,
        (SELECT coalesce(max(position), 0) + 1 FROM conversation_messages WHERE conversation_id = ${conversation}),
        'user', ${turn.text}, ${turn.imageIds}::uuid[], ${turn.maskImageId}::uuid, created.id
      FROM created RETURNING id
    ), touched AS (
      UPDATE conversations SET updated_at = now(), settings = ${JSON.stringify(turn.settings)}::jsonb,
        title = coalesce(title, ${firstMessageTitle(conversation)}, ${titleFrom(Prisma.sql`${turn.text}::text`)})
      WHERE id = ${conversation} AND owner_id = (SELECT owner_id FROM created) RETURNING id
    )`;
}

/** The constraints behind "a turn of this conversation is still queued or running", when two messages race. */
const TURN_CONFLICTS = new Set(["generations_active_turn_key", "conversation_messages_conversation_id_position_key"]);

/** What a failed turn insert means: another turn got there first, or the conversation was deleted meanwhile. */
export function turnInsertFailure(error: unknown): "turn_active" | "conversation_gone" | null {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (e?.code === "23505" && typeof e.constraint === "string" && TURN_CONFLICTS.has(e.constraint)) return "turn_active";
  if (e?.code === "23503" && e.constraint === "generations_conversation_id_fkey") return "conversation_gone";
  return null;
}

export type ContextMessage = { id: string; role: MessageRole; text: string; imageIds: string[]; maskImageId: string | null };
export type TurnContext = { conversation: { id: string; ownerId: string; settings: AgentSettings }; messages: ContextMessage[] };

/**
 * What a turn answers: its conversation's messages in order, up to and including the turn's own
 * user message (a re-run never sees its own earlier reply, nor a later message). Image ids whose
 * images are gone are left out. Null when the turn has no conversation (deleted) or no message.
 * For the runner: it reads by the turn's id, the owner being the turn's.
 */
export async function turnContext(generationId: string): Promise<TurnContext | null> {
  const rows = await sqlRows<{ conversationId: string; ownerId: string; settings: AgentSettings; id: string; role: MessageRole; text: string; imageIds: string[]; maskImageId: string | null }>(Prisma.sql`
    SELECT c.id::text AS "conversationId", c.owner_id::text AS "ownerId", c.settings,
      m.id::text, m.role, m.text, m.mask_image_id::text AS "maskImageId",
      ARRAY(
        SELECT named.id::text FROM unnest(m.image_ids) WITH ORDINALITY AS named (id, place)
        WHERE EXISTS (SELECT 1 FROM images i WHERE i.id = named.id AND i.owner_id = m.owner_id)
        ORDER BY named.place
      ) AS "imageIds"
    FROM generations g
    JOIN conversations c ON c.id = g.conversation_id AND c.owner_id = g.owner_id
    JOIN conversation_messages asked ON asked.conversation_id = c.id AND asked.turn_id = g.id AND asked.role = 'user'
    JOIN conversation_messages m ON m.conversation_id = c.id AND m.position <= asked.position
    WHERE g.id = ${generationId}::uuid
    ORDER BY m.position`);
  const first = rows[0];
  if (!first) return null;
  return {
    conversation: { id: first.conversationId, ownerId: first.ownerId, settings: first.settings },
    messages: rows.map((row) => ({ id: row.id, role: row.role, text: row.text, imageIds: row.imageIds, maskImageId: row.maskImageId })),
  };
}

export type AssistantReply = { conversationId: string; ownerId: string; turnId: string; text: string; imageIds: string[] };

/**
 * The turn's reply as the conversation's next message, written only while the turn's lease holds
 * (LeaseLost otherwise: a worker that lost the turn writes nothing). It touches the conversation
 * too: `updated_at`, and the title if it still has none. Returns the message's id.
 */
export async function appendAssistantMessage(lease: Lease, reply: AssistantReply): Promise<string> {
  if (lease.generationId !== reply.turnId) throw new LeaseLost(reply.turnId);
  const id = randomUUID();
  // Straight on the pool: a CTE chain fenced by the lease (lib/db/lease.ts ownedRow).
  const rows = await sqlRows<{ held: boolean; id: string | null }>(Prisma.sql`
    WITH ${ownedRow(lease)}, added AS (
      INSERT INTO conversation_messages (id, conversation_id, owner_id, position, role, text, image_ids, turn_id)
      SELECT ${id}::uuid, c.id, c.owner_id,
        (SELECT coalesce(max(m.position), 0) + 1 FROM conversation_messages m WHERE m.conversation_id = c.id),
        'assistant', ${storable(reply.text)}, ${reply.imageIds}::uuid[], owned.id
      FROM owned JOIN conversations c ON c.id = ${reply.conversationId}::uuid AND c.owner_id = owned.owner_id
      WHERE owned.owner_id = ${reply.ownerId}::uuid
      -- A re-run of the turn replaces its earlier reply (conversation_messages_turn_reply_key).
      ON CONFLICT (turn_id) WHERE role = 'assistant' DO UPDATE SET text = EXCLUDED.text, image_ids = EXCLUDED.image_ids
      RETURNING id, conversation_id
    ), touched AS (
      UPDATE conversations SET updated_at = now(), title = coalesce(title, ${firstMessageTitle(Prisma.sql`conversations.id`)})
      WHERE id IN (SELECT conversation_id FROM added) RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM owned) AS held, (SELECT id::text FROM added) AS id`);
  const row = rows[0];
  if (!row?.held) throw new LeaseLost(lease.generationId);
  if (!row.id) throw new Error(`Conversation ${reply.conversationId} of turn ${reply.turnId} no longer exists: the reply was not stored`);
  return row.id;
}

/** A model's text as PostgreSQL can store it: NUL and lone surrogates become U+FFFD (never an error mid-turn). */
function storable(text: string): string {
  return text.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

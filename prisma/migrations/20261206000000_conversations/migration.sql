-- Agent mode (issue 13). A conversation is a row of `conversations`; its messages are rows of
-- `conversation_messages`, numbered by `position` from 1. A TURN (one reply of the text model,
-- with the image tool) is a row of `generations` of kind 'agent-turn' naming its conversation, so
-- turns reuse the durable queue, leases, fenced writes, events and history as they are.
--
-- `settings`: the conversation's tool settings, validated (lib/agent/settings.ts). `title` NULL:
-- untitled; the first message names it.
CREATE TABLE "conversations" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "title" TEXT,
    "settings" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- The owner's list, most recently active first.
CREATE INDEX "conversations_owner_id_updated_at_idx" ON "conversations" ("owner_id", "updated_at" DESC, "id" DESC);

-- `image_ids`: a user message's images (its `attachment` rows, or the history images it picked);
-- an assistant message's, the `final` images the tool made. No FK can hold an array: a reader
-- skips an id whose image is gone. `mask_image_id`: the mask sent with the message's first image
-- (a `mask` row of its turn). `turn_id`: the turn the message started (user) or ended (assistant).
CREATE TABLE "conversation_messages" (
    "id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL REFERENCES "conversations" ("id") ON DELETE CASCADE,
    "owner_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "position" INTEGER NOT NULL,
    "role" TEXT NOT NULL CHECK ("role" IN ('user', 'assistant')),
    "text" TEXT NOT NULL,
    "image_ids" UUID[] NOT NULL DEFAULT '{}',
    "mask_image_id" UUID REFERENCES "images" ("id") ON DELETE SET NULL,
    "turn_id" UUID REFERENCES "generations" ("id") ON DELETE SET NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "conversation_messages_pkey" PRIMARY KEY ("id")
);

-- A conversation's messages in order; two writers can never give out one place twice.
CREATE UNIQUE INDEX "conversation_messages_conversation_id_position_key" ON "conversation_messages" ("conversation_id", "position");
-- The lookups a turn's runner makes, and those every generation or image delete makes for the FKs above.
CREATE INDEX "conversation_messages_turn_id_idx" ON "conversation_messages" ("turn_id") WHERE "turn_id" IS NOT NULL;
-- One reply per turn: a turn re-run after its worker died between storing the reply and ending the
-- job replaces the reply instead of adding a second one.
CREATE UNIQUE INDEX "conversation_messages_turn_reply_key" ON "conversation_messages" ("turn_id") WHERE "role" = 'assistant';
CREATE INDEX "conversation_messages_mask_image_id_idx" ON "conversation_messages" ("mask_image_id") WHERE "mask_image_id" IS NOT NULL;

-- A turn's conversation. Deleting a conversation keeps its turns in history (their images are
-- ordinary generations' images), no longer naming it.
ALTER TABLE "generations" ADD COLUMN "conversation_id" UUID REFERENCES "conversations" ("id") ON DELETE SET NULL;
CREATE INDEX "generations_conversation_id_idx" ON "generations" ("conversation_id", "created_at") WHERE "conversation_id" IS NOT NULL;
-- One turn at a time per conversation: a second message while one is queued or running is
-- refused (409 turn_active) by the application, and by this index when two race.
CREATE UNIQUE INDEX "generations_active_turn_key" ON "generations" ("conversation_id")
    WHERE "conversation_id" IS NOT NULL AND "status" IN ('queued', 'running');

-- Images gain the kind 'attachment' (a picture a person attached to a message, stored on the
-- turn's generation); `images.kind` is text, so nothing changes here. Only 'final' rows count as
-- results: history covers, usage totals and the one-final-per-index rule are unchanged.

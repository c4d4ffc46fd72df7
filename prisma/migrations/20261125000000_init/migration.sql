-- Image Studio: users, generations (also the durable job queue), attempts, images and the event log.

CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "is_local" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "generations" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "prompt" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "quality" TEXT NOT NULL,
    "output_format" TEXT NOT NULL,
    "output_compression" INTEGER,
    "background" TEXT NOT NULL,
    "moderation" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "partial_images" INTEGER NOT NULL,
    "fallback" BOOLEAN NOT NULL DEFAULT true,
    "large" BOOLEAN NOT NULL DEFAULT false,
    "request" JSONB NOT NULL,
    "gateway_label" TEXT NOT NULL,
    "gateway_is_simulator" BOOLEAN NOT NULL,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "total_tokens" INTEGER,
    "cost_usd" DECIMAL(12,6),
    "first_partial_ms" INTEGER,
    "latency_ms" INTEGER,
    "error_code" TEXT,
    "error_message" TEXT,
    "notice" TEXT,
    "favorite" BOOLEAN NOT NULL DEFAULT false,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "event_seq" INTEGER NOT NULL DEFAULT 0,
    "run_count" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "generations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "generations_status_check" CHECK ("status" IN ('queued', 'running', 'done', 'failed', 'cancelled'))
);

CREATE TABLE "attempts" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "generation_id" UUID NOT NULL,
    "image_index" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "step" TEXT NOT NULL DEFAULT 'asked',
    "size" TEXT NOT NULL,
    "quality" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "http_status" INTEGER,
    "error_code" TEXT,
    "error_message" TEXT,
    "usage" JSONB,
    "first_partial_ms" INTEGER,
    "latency_ms" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "images" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "generation_id" UUID NOT NULL,
    "attempt_id" UUID,
    "kind" TEXT NOT NULL,
    "image_index" INTEGER NOT NULL,
    "partial_index" INTEGER,
    "sha256" TEXT NOT NULL,
    "thumb_sha256" TEXT,
    "format" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "echoed_size" TEXT,
    "echoed_quality" TEXT,
    "echoed_background" TEXT,
    "echoed_format" TEXT,
    "revised_prompt" TEXT,
    "usage" JSONB,
    "downgraded" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "images_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "generation_events" (
    "id" BIGSERIAL NOT NULL,
    "owner_id" UUID NOT NULL,
    "generation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "generation_events_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "generations_owner_id_created_at_id_idx" ON "generations"("owner_id", "created_at" DESC, "id" DESC);
CREATE INDEX "generations_status_created_at_idx" ON "generations"("status", "created_at");
CREATE INDEX "attempts_generation_id_image_index_number_idx" ON "attempts"("generation_id", "image_index", "number");
CREATE INDEX "images_generation_id_kind_image_index_idx" ON "images"("generation_id", "kind", "image_index");
CREATE UNIQUE INDEX "generation_events_generation_id_seq_key" ON "generation_events"("generation_id", "seq");

ALTER TABLE "generations" ADD CONSTRAINT "generations_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "generations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "images" ADD CONSTRAINT "images_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "generations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "generation_events" ADD CONSTRAINT "generation_events_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "generations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

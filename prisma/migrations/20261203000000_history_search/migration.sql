-- History search and filters. Search runs over the prompt and the final images' revised prompts,
-- kept on the generation (`revised_prompts`, written by finishJob in the job's terminal UPDATE; no
-- trigger: an images insert already updates its generation's event_seq in the same statement).
-- One GIN trigram index on exactly the expression lib/db/generations.ts searches with ILIKE.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "generations" ADD COLUMN "revised_prompts" TEXT;

UPDATE "generations" g SET "revised_prompts" = r.texts
FROM (
  SELECT "generation_id", string_agg("revised_prompt", chr(10) ORDER BY "image_index") AS texts
  FROM "images" WHERE "kind" = 'final' AND "revised_prompt" IS NOT NULL
  GROUP BY "generation_id"
) r
WHERE r."generation_id" = g."id";

CREATE INDEX "generations_search_trgm_idx" ON "generations"
  USING gin (("prompt" || ' ' || coalesce("revised_prompts", '')) gin_trgm_ops);

-- Filters that are usually rare, each in the list's own order, so a page of them is an index range
-- rather than a walk over the owner's whole history.
CREATE INDEX "generations_owner_status_created_idx" ON "generations" ("owner_id", "status", "created_at" DESC, "id" DESC);
CREATE INDEX "generations_owner_favorite_created_idx" ON "generations" ("owner_id", "created_at" DESC, "id" DESC) WHERE "favorite";

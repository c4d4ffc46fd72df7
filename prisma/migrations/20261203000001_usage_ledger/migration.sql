-- The usage ledger: every attempt that returned usage keeps its cost and the prices it was priced
-- at, so a later price change never rewrites history; a generation's cost is the sum of its
-- attempts'. Indexes for the usage totals (attempts and final images of an owner over a period).
ALTER TABLE "attempts" ADD COLUMN "cost_usd" DECIMAL(12,6);
ALTER TABLE "attempts" ADD COLUMN "prices" JSONB;

CREATE INDEX "attempts_owner_id_started_at_idx" ON "attempts" ("owner_id", "started_at");
CREATE INDEX "images_owner_final_created_idx" ON "images" ("owner_id", "created_at") WHERE "kind" = 'final';
-- The estimate: an owner's latest done generations of one size and quality.
CREATE INDEX "generations_done_size_quality_idx" ON "generations" ("owner_id", "size", "quality", "created_at" DESC) WHERE "status" = 'done';

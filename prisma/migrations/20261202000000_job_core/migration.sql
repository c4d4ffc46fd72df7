-- The job core: one payload per job (the stored request plus its kind), a fencing token per
-- claim (every write a worker makes for a job checks it), at most one final image per image index,
-- and the indexes the sweep of unreferenced blobs looks up.
ALTER TABLE "generations" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'generate';
ALTER TABLE "generations" ADD COLUMN "lease_token" UUID;

CREATE UNIQUE INDEX "images_one_final_per_index" ON "images" ("generation_id", "image_index") WHERE "kind" = 'final';
CREATE INDEX "images_sha256_idx" ON "images" ("sha256");
CREATE INDEX "images_thumb_sha256_idx" ON "images" ("thumb_sha256") WHERE "thumb_sha256" IS NOT NULL;
CREATE INDEX "images_preview_sha256_idx" ON "images" ("preview_sha256") WHERE "preview_sha256" IS NOT NULL;

-- Edits (issue 12). An edit is a generation of kind 'edit' whose inputs are stored like any
-- picture: rows in `images` of kind 'source' (the edited image, image_index 0), 'reference' (the
-- other images sent, image_index = their place among the parts) and 'mask', their bytes in the
-- blob store by sha256. Only 'final' rows are results: history covers, usage totals and the
-- one-final-per-index rule keep counting 'final' alone.
--
-- `source_image_id`: the history image an edit was made from, when one was picked (lineage both
-- ways; NULL once that image is deleted, the edit's own 'source' copy staying). `protect`: whether
-- the area outside the mask is composited back from the source (NULL: not an edit).
ALTER TABLE "generations" ADD COLUMN "source_image_id" UUID REFERENCES "images" ("id") ON DELETE SET NULL;
ALTER TABLE "generations" ADD COLUMN "protect" BOOLEAN;

-- `fidelity`: how much a masked edit changed the protected area ({changedShare, meanAbsDiff,
-- flagged}). `raw_image_id`: on a composite kept as the final image, the gateway's own result,
-- kept as a row of kind 'raw'.
ALTER TABLE "images" ADD COLUMN "fidelity" JSONB;
ALTER TABLE "images" ADD COLUMN "raw_image_id" UUID REFERENCES "images" ("id") ON DELETE SET NULL;

-- The edits of a generation's images (its detail page), and the lookups every image delete makes
-- for the two references above (the sweep of old partials deletes thousands).
CREATE INDEX "generations_source_image_id_idx" ON "generations" ("source_image_id") WHERE "source_image_id" IS NOT NULL;
CREATE INDEX "images_raw_image_id_idx" ON "images" ("raw_image_id") WHERE "raw_image_id" IS NOT NULL;

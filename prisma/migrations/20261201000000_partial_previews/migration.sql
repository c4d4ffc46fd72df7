-- A browser-sized copy of a large partial preview (WebP), which the live view shows instead of
-- the gateway's full-size bytes: a 4K PNG takes a browser tens of ms to fetch and decode.
ALTER TABLE "images" ADD COLUMN "preview_sha256" TEXT;

-- Usage totals per UTC day, model, size and quality, kept by triggers beside the rows they sum, so
-- a month's totals read a few hundred rows instead of every attempt and image of the month (at
-- 100,000 generations the scan took 250-400 ms; bench:history). The ledger's rows stay the truth:
-- the triggers add each attempt when it opens, its tokens and cost when it closes, each final image
-- when it is stored, and take a generation's share away before it is deleted.
CREATE TABLE "usage_daily" (
  "owner_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
  "day" DATE NOT NULL,
  "model" TEXT NOT NULL,
  "size" TEXT NOT NULL,
  "quality" TEXT NOT NULL,
  "requests" BIGINT NOT NULL DEFAULT 0,
  "images" BIGINT NOT NULL DEFAULT 0,
  "input_tokens" BIGINT NOT NULL DEFAULT 0,
  "output_tokens" BIGINT NOT NULL DEFAULT 0,
  "cost_usd" DECIMAL(18,6) NOT NULL DEFAULT 0,
  PRIMARY KEY ("owner_id", "day", "model", "size", "quality")
);

-- A token count from an attempt's usage; anything but a number counts as none (never an error in a write).
CREATE FUNCTION usage_tokens(usage JSONB, field TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(usage -> field) = 'number' THEN floor((usage ->> field)::numeric)::bigint ELSE 0 END
$$;

CREATE FUNCTION usage_daily_add(p_generation UUID, p_at TIMESTAMPTZ, d_requests BIGINT, d_images BIGINT, d_input BIGINT, d_output BIGINT, d_cost NUMERIC)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO usage_daily AS u (owner_id, day, model, size, quality, requests, images, input_tokens, output_tokens, cost_usd)
  SELECT g.owner_id, (p_at AT TIME ZONE 'UTC')::date, g.model, g.size, g.quality, d_requests, d_images, d_input, d_output, d_cost
  FROM generations g WHERE g.id = p_generation
  ON CONFLICT (owner_id, day, model, size, quality) DO UPDATE SET
    requests = u.requests + EXCLUDED.requests, images = u.images + EXCLUDED.images,
    input_tokens = u.input_tokens + EXCLUDED.input_tokens, output_tokens = u.output_tokens + EXCLUDED.output_tokens,
    cost_usd = u.cost_usd + EXCLUDED.cost_usd
$$;

CREATE FUNCTION usage_daily_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM usage_daily_add(NEW.generation_id, NEW.started_at, 1, 0, usage_tokens(NEW.usage, 'input_tokens'),
      usage_tokens(NEW.usage, 'output_tokens'), coalesce(NEW.cost_usd, 0));
  ELSIF NEW.usage IS DISTINCT FROM OLD.usage OR NEW.cost_usd IS DISTINCT FROM OLD.cost_usd THEN
    PERFORM usage_daily_add(NEW.generation_id, NEW.started_at, 0, 0,
      usage_tokens(NEW.usage, 'input_tokens') - usage_tokens(OLD.usage, 'input_tokens'),
      usage_tokens(NEW.usage, 'output_tokens') - usage_tokens(OLD.usage, 'output_tokens'),
      coalesce(NEW.cost_usd, 0) - coalesce(OLD.cost_usd, 0));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "attempts_usage_daily" AFTER INSERT OR UPDATE OF "usage", "cost_usd" ON "attempts"
  FOR EACH ROW EXECUTE FUNCTION usage_daily_attempt();

CREATE FUNCTION usage_daily_image() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM usage_daily_add(NEW.generation_id, NEW.created_at, 0, 1, 0, 0, 0);
  RETURN NULL;
END $$;

CREATE TRIGGER "images_usage_daily" AFTER INSERT ON "images"
  FOR EACH ROW WHEN (NEW.kind = 'final') EXECUTE FUNCTION usage_daily_image();

-- Before the rows cascade away (the generation is still there to name its model, size and quality).
CREATE FUNCTION usage_daily_forget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  share RECORD;
BEGIN
  FOR share IN
    SELECT (at AT TIME ZONE 'UTC')::date AS day, sum(requests)::bigint AS requests, sum(images)::bigint AS images, sum(input)::bigint AS input, sum(output)::bigint AS output, sum(cost) AS cost FROM (
      SELECT x.started_at AS at, 1 AS requests, 0 AS images, usage_tokens(x.usage, 'input_tokens') AS input,
        usage_tokens(x.usage, 'output_tokens') AS output, coalesce(x.cost_usd, 0) AS cost
      FROM attempts x WHERE x.generation_id = OLD.id
      UNION ALL
      SELECT i.created_at, 0, 1, 0, 0, 0 FROM images i WHERE i.generation_id = OLD.id AND i.kind = 'final'
    ) AS parts GROUP BY 1
  LOOP
    PERFORM usage_daily_add(OLD.id, share.day::timestamp AT TIME ZONE 'UTC', -share.requests, -share.images, -share.input, -share.output, -share.cost);
  END LOOP;
  DELETE FROM usage_daily
  WHERE owner_id = OLD.owner_id AND model = OLD.model AND size = OLD.size AND quality = OLD.quality
    AND requests = 0 AND images = 0 AND input_tokens = 0 AND output_tokens = 0 AND cost_usd = 0;
  RETURN OLD;
END $$;

CREATE TRIGGER "generations_usage_daily" BEFORE DELETE ON "generations"
  FOR EACH ROW EXECUTE FUNCTION usage_daily_forget();

-- What the rows already hold.
INSERT INTO usage_daily (owner_id, day, model, size, quality, requests, images, input_tokens, output_tokens, cost_usd)
SELECT owner_id, day, model, size, quality, sum(requests), sum(images), sum(input), sum(output), sum(cost) FROM (
  SELECT g.owner_id, (x.started_at AT TIME ZONE 'UTC')::date AS day, g.model, g.size, g.quality, 1 AS requests, 0 AS images,
    usage_tokens(x.usage, 'input_tokens') AS input, usage_tokens(x.usage, 'output_tokens') AS output, coalesce(x.cost_usd, 0) AS cost
  FROM attempts x JOIN generations g ON g.id = x.generation_id
  UNION ALL
  SELECT g.owner_id, (i.created_at AT TIME ZONE 'UTC')::date, g.model, g.size, g.quality, 0, 1, 0, 0, 0
  FROM images i JOIN generations g ON g.id = i.generation_id WHERE i.kind = 'final'
) AS parts GROUP BY owner_id, day, model, size, quality;

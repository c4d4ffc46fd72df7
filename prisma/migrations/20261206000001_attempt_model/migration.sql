-- An attempt may name its own model (issue 13, agent mode): a turn's request is billed twice, the
-- text model's usage and the image tool's, each an attempt priced at its own model's prices
-- (steps 'text' and 'image_tool'). NULL: the generation's model, as every attempt before this.
ALTER TABLE "attempts" ADD COLUMN "model" TEXT;

-- The usage rollup (20261204000001_usage_daily) groups an attempt by coalesce(attempts.model,
-- generations.model), so the usage page shows the text model beside the image model. The adder
-- takes the model; NULL keeps the generation's.
CREATE FUNCTION usage_daily_add(p_generation UUID, p_model TEXT, p_at TIMESTAMPTZ, d_requests BIGINT, d_images BIGINT, d_input BIGINT, d_output BIGINT, d_cost NUMERIC)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO usage_daily AS u (owner_id, day, model, size, quality, requests, images, input_tokens, output_tokens, cost_usd)
  SELECT g.owner_id, (p_at AT TIME ZONE 'UTC')::date, coalesce(p_model, g.model), g.size, g.quality, d_requests, d_images, d_input, d_output, d_cost
  FROM generations g WHERE g.id = p_generation
  ON CONFLICT (owner_id, day, model, size, quality) DO UPDATE SET
    requests = u.requests + EXCLUDED.requests, images = u.images + EXCLUDED.images,
    input_tokens = u.input_tokens + EXCLUDED.input_tokens, output_tokens = u.output_tokens + EXCLUDED.output_tokens,
    cost_usd = u.cost_usd + EXCLUDED.cost_usd
$$;

CREATE OR REPLACE FUNCTION usage_daily_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM usage_daily_add(NEW.generation_id, NEW.model, NEW.started_at, 1, 0, usage_tokens(NEW.usage, 'input_tokens'),
      usage_tokens(NEW.usage, 'output_tokens'), coalesce(NEW.cost_usd, 0));
  ELSIF NEW.usage IS DISTINCT FROM OLD.usage OR NEW.cost_usd IS DISTINCT FROM OLD.cost_usd THEN
    PERFORM usage_daily_add(NEW.generation_id, NEW.model, NEW.started_at, 0, 0,
      usage_tokens(NEW.usage, 'input_tokens') - usage_tokens(OLD.usage, 'input_tokens'),
      usage_tokens(NEW.usage, 'output_tokens') - usage_tokens(OLD.usage, 'output_tokens'),
      coalesce(NEW.cost_usd, 0) - coalesce(OLD.cost_usd, 0));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION usage_daily_image() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM usage_daily_add(NEW.generation_id, NULL, NEW.created_at, 0, 1, 0, 0, 0);
  RETURN NULL;
END $$;

-- A deleted generation's share leaves each model's totals by the same key it was added under.
CREATE OR REPLACE FUNCTION usage_daily_forget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  share RECORD;
BEGIN
  FOR share IN
    SELECT (at AT TIME ZONE 'UTC')::date AS day, model, sum(requests)::bigint AS requests, sum(images)::bigint AS images, sum(input)::bigint AS input, sum(output)::bigint AS output, sum(cost) AS cost FROM (
      SELECT x.started_at AS at, coalesce(x.model, OLD.model) AS model, 1 AS requests, 0 AS images, usage_tokens(x.usage, 'input_tokens') AS input,
        usage_tokens(x.usage, 'output_tokens') AS output, coalesce(x.cost_usd, 0) AS cost
      FROM attempts x WHERE x.generation_id = OLD.id
      UNION ALL
      SELECT i.created_at, OLD.model, 0, 1, 0, 0, 0 FROM images i WHERE i.generation_id = OLD.id AND i.kind = 'final'
    ) AS parts GROUP BY 1, 2
  LOOP
    PERFORM usage_daily_add(OLD.id, share.model, share.day::timestamp AT TIME ZONE 'UTC', -share.requests, -share.images, -share.input, -share.output, -share.cost);
  END LOOP;
  DELETE FROM usage_daily
  WHERE owner_id = OLD.owner_id AND size = OLD.size AND quality = OLD.quality
    AND (model = OLD.model OR model IN (SELECT x.model FROM attempts x WHERE x.generation_id = OLD.id AND x.model IS NOT NULL))
    AND requests = 0 AND images = 0 AND input_tokens = 0 AND output_tokens = 0 AND cost_usd = 0;
  RETURN OLD;
END $$;

-- Nothing calls the adder without a model any more.
DROP FUNCTION usage_daily_add(UUID, TIMESTAMPTZ, BIGINT, BIGINT, BIGINT, BIGINT, NUMERIC);

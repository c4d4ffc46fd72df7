-- Budgets per user. A limit column holds the person's saved cost limit, NULL meaning "no limit";
-- `budgets_saved_at` says whether they have saved any: until then the settings' BUDGET_DAILY_USD
-- and BUDGET_MONTHLY_USD are the defaults, afterwards the saved values win (a saved NULL too).
ALTER TABLE "users" ADD COLUMN "daily_budget_usd" DECIMAL(12,4);
ALTER TABLE "users" ADD COLUMN "monthly_budget_usd" DECIMAL(12,4);
ALTER TABLE "users" ADD COLUMN "budgets_saved_at" TIMESTAMPTZ(3);

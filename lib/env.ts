import "server-only";
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_HOST, isLoopback } from "@/lib/net/exposure";

/**
 * The server's settings, validated once with zod. Read through `env()`; the first call parses
 * process.env and throws a message naming every bad variable. Never import this from a client
 * component: it holds the gateway key.
 */
const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");
const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const price = (fallback: number) => z.coerce.number().min(0).default(fallback);
const PRICE_NAMES = ["textInputPerM", "cachedTextInputPerM", "imageInputPerM", "cachedImageInputPerM", "imageOutputPerM", "textOutputPerM"] as const;
const modelPrices = z.record(
  z.string().min(1),
  z.strictObject(Object.fromEntries(PRICE_NAMES.map((name) => [name, z.number().min(0).optional()])) as Record<(typeof PRICE_NAMES)[number], z.ZodOptional<z.ZodNumber>>),
);

const schema = z.object({
  DATABASE_URL: z.string().url({ error: "DATABASE_URL must be a postgres:// URL" }),
  DATA_DIR: z.string().default("data"),
  // Where the server listens (the launcher binds HOST's address and passes it on).
  HOST: z.string().default(DEFAULT_HOST),
  STUDIO_LISTEN_ADDRESS: z.string().optional(),
  GATEWAY_BASE_URL: z.string().url().optional(),
  GATEWAY_API_KEY: z.string().min(1).optional(),
  // The brief's names. BASE_URL is also set by some tools (Vite sets it to "/"), so it is checked
  // only when it is used: with API_KEY and without GATEWAY_BASE_URL.
  BASE_URL: z.string().optional(),
  API_KEY: z.string().min(1).optional(),
  GATEWAY_LABEL: z.string().optional(),
  SIMULATOR_URL: z.string().url().default("http://127.0.0.1:4010/v1"),
  SIMULATOR_API_KEY: z.string().default("sk-sim-local"),
  ALLOW_TRANSPARENT_BACKGROUND: flag,
  WORKER_CONCURRENCY: count(4),
  WORKER_CONCURRENCY_LARGE: count(1),
  TIMEOUT_MS: ms(120_000),
  TIMEOUT_LARGE_MS: ms(300_000),
  STREAM_IDLE_MS: ms(60_000),
  RETRY_MAX: count(2),
  RETRY_BASE_MS: ms(1_000),
  RETRY_AFTER_CAP_MS: ms(60_000),
  JOB_MAX_RUNS: count(2),
  JOB_LEASE_MS: ms(30_000),
  SHUTDOWN_GRACE_MS: ms(20_000),
  // Partial previews are kept this long after their generation ends (0: kept for good); the sweep
  // removes them and every blob no row refers to, once older than its grace.
  PARTIAL_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  SWEEP_INTERVAL_MS: ms(3_600_000),
  SWEEP_GRACE_MS: ms(3_600_000),
  PRICE_TEXT_INPUT_PER_M: price(5),
  PRICE_IMAGE_INPUT_PER_M: price(8),
  PRICE_IMAGE_OUTPUT_PER_M: price(30),
  PRICE_TEXT_OUTPUT_PER_M: price(10),
  PRICE_CACHED_TEXT_INPUT_PER_M: price(1.25),
  PRICE_CACHED_IMAGE_INPUT_PER_M: price(2),
  // Prices of one model that differ from the ones above, as JSON (lib/jobs/cost.ts: pricesFor).
  PRICES_BY_MODEL: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be JSON such as {"gpt-image-2": {"imageOutputPerM": 30}}` });
        return z.NEVER;
      }
      const parsed = modelPrices.safeParse(json);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: "custom", message: `${issue?.path.join(".") || "the value"}: ${issue?.message} (known prices: ${PRICE_NAMES.join(", ")})` });
      return z.NEVER;
    }),
  // Optional cost limits per user (UTC day, UTC calendar month): a generation whose estimate would
  // pass one is refused before anything is sent (lib/generations/budget.ts).
  BUDGET_DAILY_USD: z.coerce.number().positive().optional(),
  BUDGET_MONTHLY_USD: z.coerce.number().positive().optional(),
  // Agent mode: the text model a new conversation starts with, and how many of a conversation's
  // images are resent with each request, each at most this many pixels on its long side.
  AGENT_TEXT_MODEL: z.string().default("gpt-5.5"),
  AGENT_MAX_IMAGES: count(4),
  AGENT_IMAGE_EDGE: z.coerce.number().int().positive().default(1536),
});

export type Gateway = {
  baseURL: string;
  apiKey: string;
  /** Stored with every generation: host plus a fingerprint of the key, never the key. */
  label: string;
  isSimulator: boolean;
};

export type Env = z.output<typeof schema> & {
  dataDir: string;
  gateway: Gateway;
  /** Listening beyond loopback, with no sign-in: every page says so. */
  exposed: boolean;
};

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  // An empty variable means "not set" (as in `API_KEY= npm start`).
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const vars = parsed.data;
  cached = {
    ...vars,
    dataDir: path.resolve(vars.DATA_DIR),
    gateway: resolveGateway(vars),
    exposed: !isLoopback(vars.STUDIO_LISTEN_ADDRESS ?? vars.HOST),
  };
  return cached;
}

/** Tests change settings between cases; production reads them once. */
export function resetEnvCache(): void {
  cached = undefined;
}

function resolveGateway(vars: z.output<typeof schema>): Gateway {
  const apiKey = vars.GATEWAY_API_KEY ?? vars.API_KEY;
  if (!apiKey) {
    return { baseURL: vars.SIMULATOR_URL, apiKey: vars.SIMULATOR_API_KEY, label: "local simulator", isSimulator: true };
  }
  const baseURL = vars.GATEWAY_BASE_URL ?? vars.BASE_URL ?? "https://api.openai.com/v1";
  if (!URL.canParse(baseURL) || !/^https?:/.test(baseURL)) {
    throw new Error(`Invalid environment:\n  ${vars.GATEWAY_BASE_URL ? "GATEWAY_BASE_URL" : "BASE_URL"}: "${baseURL}" is not an http(s) URL`);
  }
  const fingerprint = createHash("sha256").update(apiKey).digest("hex").slice(0, 8);
  const label = vars.GATEWAY_LABEL ?? `${new URL(baseURL).host} key#${fingerprint}`;
  return { baseURL, apiKey, label, isSimulator: false };
}

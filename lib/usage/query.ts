import "server-only";
import { z } from "zod";
import { USAGE_GROUPS, type UsageGroup, type UsageRow } from "@/lib/db/usage";
import { ApiError, validateQuery } from "@/lib/errors";
import { FORMATS, QUALITIES } from "@/lib/generations/request-schema";
import { checkSize } from "@/lib/images/size-rules";

/**
 * The query strings of GET /api/usage and GET /api/estimate, checked with zod; a bad value is a
 * 400 `invalid_request` naming the parameter.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const date = (name: string) =>
  z
    .string()
    .regex(DAY, { error: `${name} must be a date YYYY-MM-DD` })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { error: `${name} is not a real date` })
    .optional();

const strictQuery = { error: (issue: z.core.$ZodRawIssue) => (issue.code === "unrecognized_keys" ? `Unknown parameter: ${(issue.keys as string[]).join(", ")}` : undefined) };

const usageSchema = z
  .object({
    from: date("from"),
    to: date("to"),
    group: z.enum(USAGE_GROUPS, { error: `group must be one of ${USAGE_GROUPS.join(", ")}` }).optional(),
    format: z.enum(["json", "csv"], { error: "format must be json or csv" }).default("json"),
  }, strictQuery)
  .strict();

export type UsageQuery = { from: Date; to: Date; fromDay: string; toDay: string; group: UsageGroup; format: "json" | "csv" };

/** The period is whole UTC days, `to` included; by default this month so far. `groupBy` is the ui-contract's name for `group`. */
export function usageQuery(params: URLSearchParams, now = new Date()): UsageQuery {
  const copy = new URLSearchParams(params);
  if (copy.has("groupBy")) {
    if (!copy.has("group")) copy.set("group", copy.get("groupBy")!);
    copy.delete("groupBy");
  }
  const q = validateQuery(usageSchema, copy);
  const today = now.toISOString().slice(0, 10);
  const fromDay = q.from ?? `${today.slice(0, 7)}-01`;
  const toDay = q.to ?? today;
  if (fromDay > toDay) throw new ApiError(400, "invalid_request", "from must not be after to", "from");
  const to = new Date(`${toDay}T00:00:00Z`);
  to.setUTCDate(to.getUTCDate() + 1);
  return { from: new Date(`${fromDay}T00:00:00Z`), to, fromDay, toDay, group: q.group ?? "day", format: q.format };
}

const whole = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int({ error: `${name} must be a whole number` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` })
    .default(fallback);

const estimateSchema = z
  .object({
    size: z
      .string()
      .default("1024x1024")
      .superRefine((size, ctx) => {
        for (const problem of checkSize(size)) ctx.addIssue({ code: "custom", message: problem.message });
      }),
    quality: z.enum(QUALITIES, { error: `quality must be one of ${QUALITIES.join(", ")}` }).default("auto"),
    output_format: z.enum(FORMATS, { error: `output_format must be one of ${FORMATS.join(", ")}` }).default("png"),
    n: whole("n", 1, 10, 1),
    partial_images: whole("partial_images", 0, 3, 2),
  }, strictQuery)
  .strict();

export function estimateQuery(params: URLSearchParams) {
  return validateQuery(estimateSchema, params);
}

const CSV_COLUMNS = ["group", "key", "label", "requests", "images", "input_tokens", "output_tokens", "cost_usd"] as const;

function csvCell(value: string | number): string {
  const text = String(value);
  // Quoted when needed; a leading = + - @ is defused so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The table as CSV: a header row, one row per group, then the period's total (key `total`). */
export function usageCsv(group: UsageGroup, rows: UsageRow[], total: Omit<UsageRow, "key" | "label">): string {
  const line = (r: Omit<UsageRow, "key" | "label">, key: string, label: string) =>
    [group, key, label, r.requests, r.images, r.inputTokens, r.outputTokens, r.costUsd.toFixed(6)].map(csvCell).join(",");
  return [CSV_COLUMNS.join(","), ...rows.map((r) => line(r, r.key, r.label)), line(total, "total", "Total")].join("\r\n") + "\r\n";
}

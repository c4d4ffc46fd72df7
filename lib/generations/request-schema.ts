import { z } from "zod";
import type { ApiErrorCode } from "@/lib/errors/codes";
import { issueField } from "@/lib/errors/zod";
import { checkSize } from "@/lib/images/size-rules";
import { screenPrompt } from "@/lib/safety/prefilter";
import { printable, storableText } from "@/lib/validation/storable-text";

/**
 * The generation request, shared by the studio form, the server action, `POST /api/generations`
 * and the job runner. Field names follow the gateway's, so a script can post what it would send
 * upstream.
 */
export const MODELS = ["gpt-image-2", "gpt-image-2-2026-04-21"] as const;
export const QUALITIES = ["low", "medium", "high", "auto"] as const;
export const FORMATS = ["png", "jpeg", "webp"] as const;
export const BACKGROUNDS = ["auto", "opaque", "transparent"] as const;
export const MODERATIONS = ["auto", "low"] as const;
export const MAX_PROMPT_CHARS = 32_000;

export type RequestRules = {
  /** gpt-image-2 rejects a transparent background today; a deployment may switch it on. */
  allowTransparent: boolean;
};

/** One of a list, named in the message (also the agent settings' rule: lib/agent/settings.ts). */
export const choice = <T extends readonly [string, ...string[]]>(values: T, field: string) =>
  z.enum(values, { error: () => `${field} must be one of: ${values.join(", ")}` });

export const whole = (field: string, min: number, max: number) =>
  z
    .number({ error: () => `${field} must be a number from ${min} to ${max}` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` });

/** Every field of a generation request with its rule, written once for generations and edits. */
function fields(defaultSize: string) {
  return {
    model: choice(MODELS, "Model").default("gpt-image-2"),
    prompt: z
      .string({ error: "Prompt must be text" })
      .check(storableText("Prompt"))
      .trim()
      .min(1, { error: "Prompt is empty: describe the image you want" })
      .max(MAX_PROMPT_CHARS, { error: `Prompt is longer than ${MAX_PROMPT_CHARS.toLocaleString("en-US")} characters` }),
    size: z
      .string({ error: "Size must be text" })
      .check(storableText("Size"))
      .trim()
      .default(defaultSize)
      .superRefine((size, ctx) => {
        for (const problem of checkSize(size)) ctx.addIssue({ code: "custom", message: problem.message });
      }),
    quality: choice(QUALITIES, "Quality").default("auto"),
    output_format: choice(FORMATS, "Format").default("png"),
    output_compression: whole("Compression", 0, 100).optional(),
    background: choice(BACKGROUNDS, "Background").default("auto"),
    moderation: choice(MODERATIONS, "Moderation").default("auto"),
    n: whole("Images", 1, 10).default(1),
    partial_images: whole("Partial previews", 0, 3).default(2),
    /** Issue 4's fallback ladder for 4K; on unless a person switches it off. */
    fallback: z.boolean({ error: "fallback must be true or false" }).default(true),
  };
}

const strict = { error: (issue: z.core.$ZodRawIssue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${(issue.keys as string[]).map(printable).join(", ")}` : "The request must be a JSON object") };

/** The rules across fields, the same for a generation and an edit. */
function crossChecks(rules: RequestRules) {
  return (req: { output_compression?: number; output_format: string; background: string }, ctx: z.core.$RefinementCtx) => {
    if (req.output_compression !== undefined && req.output_format === "png") {
      ctx.addIssue({ code: "custom", path: ["output_compression"], message: "Compression applies only to jpeg and webp; remove it or choose another format" });
    }
    if (req.background === "transparent" && !rules.allowTransparent) {
      ctx.addIssue({ code: "custom", path: ["background"], message: "A transparent background is not supported by gpt-image-2 on this gateway" });
    }
    if (req.background === "transparent" && req.output_format === "jpeg") {
      ctx.addIssue({ code: "custom", path: ["background"], message: "A transparent background needs png or webp" });
    }
  };
}

function buildSchema(rules: RequestRules) {
  return z.strictObject(fields("1024x1024"), strict).superRefine(crossChecks(rules));
}

/**
 * An edit's request (`POST /v1/images/edits`): the generation's fields but `moderation`, which
 * the edits endpoint does not take. Its size defaults to `auto`: the edited image's own size, when
 * that is a valid output size. The images, the mask and `protect` travel beside it (lib/edits).
 */
function buildEditSchema(rules: RequestRules) {
  return z.strictObject(fields("auto"), strict).omit({ moderation: true }).superRefine(crossChecks(rules));
}

type Schema = ReturnType<typeof buildSchema>;
export type GenerationRequest = z.output<Schema>;
export type GenerationInput = z.input<Schema>;
type EditSchema = ReturnType<typeof buildEditSchema>;
export type EditRequest = z.output<EditSchema>;
export type EditInput = z.input<EditSchema>;

/** Built once per rule set: zod compiles a schema on first use, which costs a millisecond or more. */
const schemas = new Map<boolean, Schema>();
const editSchemas = new Map<boolean, EditSchema>();

function cached<S>(cache: Map<boolean, S>, rules: RequestRules, build: (rules: RequestRules) => S): S {
  let schema = cache.get(rules.allowTransparent);
  if (!schema) {
    schema = build(rules);
    cache.set(rules.allowTransparent, schema);
  }
  return schema;
}

export function generationRequestSchema(rules: RequestRules): Schema {
  return cached(schemas, rules, buildSchema);
}

export function editRequestSchema(rules: RequestRules): EditSchema {
  return cached(editSchemas, rules, buildEditSchema);
}

export type FieldErrors = Partial<Record<string, string>>;

export type RequestCheck<R = GenerationRequest> =
  | { ok: true; request: R }
  | { ok: false; code: Extract<ApiErrorCode, "invalid_request" | "prompt_refused">; message: string; field?: string; fieldErrors: FieldErrors };

/**
 * Validates unknown input and names the first field at fault, the same way on both sides; then
 * the safety pre-filter, so a refused prompt never leaves the browser or the server.
 */
export function checkGenerationRequest(input: unknown, rules: RequestRules): RequestCheck {
  return checkWith(generationRequestSchema(rules), input);
}

/** The same checks for an edit's fields (the uploads are checked on the server, lib/uploads). */
export function checkEditRequest(input: unknown, rules: RequestRules): RequestCheck<EditRequest> {
  return checkWith(editRequestSchema(rules), input);
}

function checkWith<R extends { prompt: string }>(schema: z.ZodType<R>, input: unknown): RequestCheck<R> {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    const screening = screenPrompt(parsed.data.prompt);
    if (screening.ok) return { ok: true, request: parsed.data };
    return { ok: false, code: "prompt_refused", message: screening.message, field: "prompt", fieldErrors: { prompt: screening.message } };
  }
  const fieldErrors: FieldErrors = {};
  for (const issue of parsed.error.issues) fieldErrors[issueField(issue) ?? "_"] ??= issue.message;
  const first = parsed.error.issues[0];
  const field = first ? issueField(first) : undefined;
  const message = first ? (field && first.path.length > 0 ? `${field}: ${first.message}` : first.message) : "Invalid request";
  return { ok: false, code: "invalid_request", message, field, fieldErrors };
}

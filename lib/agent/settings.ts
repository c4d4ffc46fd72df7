import { z } from "zod";
import { issueField } from "@/lib/errors/zod";
import { BACKGROUNDS, choice, FORMATS, QUALITIES, whole, type RequestRules } from "@/lib/generations/request-schema";
import { checkSize } from "@/lib/images/size-rules";
import { printable, storableText } from "@/lib/validation/storable-text";

/**
 * A conversation's tool settings: what every turn's `image_generation` tool is declared with, and
 * the text model that answers. Checked by the same rules as a generation's fields (the size
 * rules, the format, quality and background lists, compression only for jpeg and webp) when a
 * conversation is created or changed, and again when a turn's stored payload is read. Browser-safe,
 * so the agent page's form can run the same rule.
 */
export const AGENT_ACTIONS = ["generate", "edit", "auto"] as const;
export const TEXT_MODEL_PATTERN = /^[\w.:-]+$/;
export const MAX_TEXT_MODEL_CHARS = 100;

export type AgentSettings = {
  textModel: string;
  size: string;
  quality: (typeof QUALITIES)[number];
  format: (typeof FORMATS)[number];
  /** jpeg and webp only; null: the gateway's default. */
  compression: number | null;
  background: (typeof BACKGROUNDS)[number];
  partialImages: number;
  action: (typeof AGENT_ACTIONS)[number];
};

/** A new conversation's settings but the text model, which is the deployment's (AGENT_TEXT_MODEL). */
export const DEFAULT_AGENT_SETTINGS: Omit<AgentSettings, "textModel"> = {
  size: "1024x1024",
  quality: "auto",
  format: "png",
  compression: null,
  background: "auto",
  partialImages: 2,
  action: "auto",
};

function buildSchema(rules: RequestRules) {
  return z
    .strictObject(
      {
        textModel: z
          .string({ error: "Text model must be text" })
          .check(storableText("Text model"))
          .trim()
          .min(1, { error: "Text model is empty: name the model that answers, such as gpt-5.5" })
          .max(MAX_TEXT_MODEL_CHARS, { error: `Text model must be at most ${MAX_TEXT_MODEL_CHARS} characters` })
          .regex(TEXT_MODEL_PATTERN, { error: "Text model may hold only letters, digits and . _ : -" }),
        size: z
          .string({ error: "Size must be text" })
          .check(storableText("Size"))
          .trim()
          .superRefine((size, ctx) => {
            for (const problem of checkSize(size)) ctx.addIssue({ code: "custom", message: problem.message });
          }),
        quality: choice(QUALITIES, "Quality"),
        format: choice(FORMATS, "Format"),
        compression: whole("Compression", 0, 100).nullable(),
        background: choice(BACKGROUNDS, "Background"),
        partialImages: whole("Partial previews", 0, 3),
        action: choice(AGENT_ACTIONS, "Action"),
      },
      { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown setting: ${(issue.keys as string[]).map(printable).join(", ")}` : "settings must be an object") },
    )
    .superRefine((s, ctx) => {
      if (s.compression !== null && s.format === "png") {
        ctx.addIssue({ code: "custom", path: ["compression"], message: "Compression applies only to jpeg and webp; remove it or choose another format" });
      }
      if (s.background === "transparent" && !rules.allowTransparent) {
        ctx.addIssue({ code: "custom", path: ["background"], message: "A transparent background is not supported by gpt-image-2 on this gateway" });
      }
      if (s.background === "transparent" && s.format === "jpeg") {
        ctx.addIssue({ code: "custom", path: ["background"], message: "A transparent background needs png or webp" });
      }
    });
}

type Schema = ReturnType<typeof buildSchema>;
const schemas = new Map<boolean, Schema>();

/** Every setting, none left out: what is stored on a conversation and in a turn's payload. */
export function agentSettingsSchema(rules: RequestRules): Schema {
  let schema = schemas.get(rules.allowTransparent);
  if (!schema) {
    schema = buildSchema(rules);
    schemas.set(rules.allowTransparent, schema);
  }
  return schema;
}

export type SettingsCheck = { ok: true; settings: AgentSettings } | { ok: false; message: string; field?: string };

/**
 * Settings as a person changes them: `changes` (any of the settings) over `base` (the
 * conversation's, or the defaults), then checked whole, naming the first setting at fault.
 * Choosing png without naming a compression clears the compression, which png does not take.
 */
export function checkAgentSettings(changes: unknown, base: AgentSettings, rules: RequestRules): SettingsCheck {
  if (changes === undefined) changes = {};
  if (changes === null || typeof changes !== "object" || Array.isArray(changes)) return { ok: false, message: "settings must be an object", field: "settings" };
  const asked = changes as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base, ...asked };
  if (asked.format === "png" && !("compression" in asked)) merged.compression = null;
  const parsed = agentSettingsSchema(rules).safeParse(merged);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue ? issueField(issue) : undefined;
  const message = issue ? (field && issue.path.length > 0 ? `${field}: ${issue.message}` : issue.message) : "The settings are not valid";
  return { ok: false, message, ...(field ? { field } : {}) };
}

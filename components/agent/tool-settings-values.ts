import { usesCompression } from "@/components/studio/form-values";
import { DEFAULT_AGENT_SETTINGS, type AGENT_ACTIONS, type AgentSettings } from "@/lib/agent/settings";

/**
 * A conversation's image-tool settings as the page holds them, and the body that saves them.
 * Pure, so what a PATCH carries (compression only with jpeg or webp) is tested.
 */
// Copied so the page does not load the server's schema to draw a <select>; `satisfies` fails the type check the day the two disagree.
export const ACTION_OPTIONS = ["generate", "edit", "auto"] as const satisfies typeof AGENT_ACTIONS;
export const PARTIAL_OPTIONS = [0, 1, 2, 3] as const;

/** As lib/agent/settings.ts stores them: every field, compression null unless jpeg or webp. */
export type ToolSettings = AgentSettings;

/** How many images, and how large, go back to the model each turn (the API's AGENT_MAX_IMAGES, AGENT_IMAGE_EDGE). */
export type ResendLimits = { maxImages: number; imageEdge: number };

/** Used only for what the server leaves out; the server's defaults are the ones that count. */
export const DEFAULT_SETTINGS: ToolSettings = { textModel: "gpt-5.5", ...DEFAULT_AGENT_SETTINGS };

export const DEFAULT_RESEND: ResendLimits = { maxImages: 4, imageEdge: 1536 };

/** The form's state: typed text stays text until it is saved, so a half-typed number shows as typed. */
export type SettingsDraft = Omit<ToolSettings, "compression"> & { compression: string };

export function draftOf(settings: ToolSettings): SettingsDraft {
  return { ...settings, compression: settings.compression === null ? "" : String(settings.compression) };
}

/** The studio form's rule, compression only for jpeg and webp, serves the agent's settings too. */
export { usesCompression };

/**
 * The settings as PATCH sends them: every field, so the stored settings are exactly what the form
 * shows. Compression is null unless the format takes it (a png with a compression is refused);
 * a typed value that is not a number goes as typed, and the server names the problem.
 */
export function settingsBody(draft: SettingsDraft): Record<string, unknown> {
  const typed = draft.compression.trim();
  const compression = !usesCompression(draft.format) || typed === "" ? null : Number.isFinite(Number(typed)) ? Number(typed) : typed;
  return {
    textModel: draft.textModel.trim(),
    size: draft.size,
    quality: draft.quality,
    format: draft.format,
    compression,
    background: draft.background,
    partialImages: draft.partialImages,
    action: draft.action,
  };
}

/** The sentence the page shows about what is resent each turn. */
export function resendText({ maxImages, imageEdge }: ResendLimits): string {
  return `The latest image and up to ${maxImages} attached images are resent each turn, at most ${imageEdge} px.`;
}

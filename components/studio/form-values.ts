import type { BACKGROUNDS, FORMATS, MODERATIONS, QUALITIES } from "@/lib/generations/request-schema";
import { parseSize, SIZE_PRESETS } from "@/lib/images/size-rules";

/**
 * The studio form as a person fills it in: numbers stay text until submit, so a half-typed value
 * is shown as typed and the shared schema, not the input element, decides what is wrong with it.
 */
// The schema's option lists, copied so the page does not load zod to draw a <select>; `satisfies`
// fails the type check the day the two disagree.
export const QUALITY_OPTIONS = ["low", "medium", "high", "auto"] as const satisfies typeof QUALITIES;
export const FORMAT_OPTIONS = ["png", "jpeg", "webp"] as const satisfies typeof FORMATS;
export const BACKGROUND_OPTIONS = ["auto", "opaque", "transparent"] as const satisfies typeof BACKGROUNDS;
export const MODERATION_OPTIONS = ["auto", "low"] as const satisfies typeof MODERATIONS;

export type SizeChoice = (typeof SIZE_PRESETS)[number] | "auto" | "custom";

export type FormValues = {
  prompt: string;
  size: SizeChoice;
  width: string;
  height: string;
  quality: (typeof QUALITIES)[number];
  format: (typeof FORMATS)[number];
  compression: string;
  background: (typeof BACKGROUNDS)[number];
  moderation: (typeof MODERATIONS)[number];
  images: string;
  partials: string;
  fallback: boolean;
};

/** What a generation was asked for, as far as the result view needs it. */
export type Asked = { prompt: string; size: string; n: number };

export const DEFAULT_VALUES: FormValues = {
  prompt: "",
  size: "1024x1024",
  width: "1024",
  height: "1024",
  quality: "auto",
  format: "png",
  compression: "",
  background: "auto",
  moderation: "auto",
  images: "1",
  partials: "2",
  fallback: true,
};

export function usesCompression(format: FormValues["format"]): boolean {
  return format === "jpeg" || format === "webp";
}

/** The size string the request carries. */
export function sizeOf(values: Pick<FormValues, "size" | "width" | "height">): string {
  return values.size === "custom" ? `${values.width.trim()}x${values.height.trim()}` : values.size;
}

/** Switching to custom starts from the size that was chosen, so the inputs open valid. */
export function customStart(values: FormValues): Pick<FormValues, "width" | "height"> {
  const dims = parseSize(values.size);
  return dims ? { width: String(dims.width), height: String(dims.height) } : { width: values.width, height: values.height };
}

/** Form values to the request fields of lib/generations/request-schema.ts. */
export function toRequestInput(values: FormValues): Record<string, unknown> {
  return {
    prompt: values.prompt,
    size: sizeOf(values),
    quality: values.quality,
    output_format: values.format,
    ...(usesCompression(values.format) && values.compression.trim() !== "" ? { output_compression: toNumber(values.compression) } : {}),
    background: values.background,
    moderation: values.moderation,
    n: toNumber(values.images),
    partial_images: toNumber(values.partials),
    fallback: values.fallback,
  };
}

/**
 * The form as the browser posts it before the page's scripts run (every control is named by its
 * key). Values are taken as typed; the shared schema judges them, as it does for the live form.
 * The fallback box posts "off" from a hidden input before it, and "on" too when ticked. A control
 * not on the page (Width while a preset size is chosen) keeps its value from `base`.
 */
export function formValuesFrom(data: FormData, base: FormValues = DEFAULT_VALUES): FormValues {
  const text = <K extends Exclude<keyof FormValues, "fallback">>(key: K): FormValues[K] => {
    const value = data.get(key);
    return (typeof value === "string" ? value : base[key]) as FormValues[K];
  };
  const fallback = data.getAll("fallback");
  return {
    prompt: text("prompt"),
    size: text("size"),
    width: text("width"),
    height: text("height"),
    quality: text("quality"),
    format: text("format"),
    compression: text("compression"),
    background: text("background"),
    moderation: text("moderation"),
    images: text("images"),
    partials: text("partials"),
    fallback: fallback.length === 0 ? base.fallback : fallback.includes("on"),
  };
}

/** "" and "abc" become NaN, which the schema reports in words; the input never guesses a number. */
function toNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Request field → the id of the control that shows its error. */
export const FIELD_IDS = {
  prompt: "studio-prompt",
  size: "studio-size",
  quality: "studio-quality",
  output_format: "studio-format",
  output_compression: "studio-compression",
  background: "studio-background",
  moderation: "studio-moderation",
  n: "studio-images",
  partial_images: "studio-partials",
  fallback: "studio-fallback",
} as const;

export type FormField = keyof typeof FIELD_IDS;

export function isFormField(field: string): field is FormField {
  return Object.hasOwn(FIELD_IDS, field);
}

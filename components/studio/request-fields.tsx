import type { KeyboardEvent } from "react";
import { Choice, controlClass, Count, Field } from "@/components/studio/field";
import {
  BACKGROUND_OPTIONS,
  customStart,
  FIELD_IDS,
  FORMAT_OPTIONS,
  MODERATION_OPTIONS,
  QUALITY_OPTIONS,
  sizeOf,
  usesCompression,
  type FormValues,
} from "@/components/studio/form-values";
import { SizeField } from "@/components/studio/size-field";
import type { FieldErrors } from "@/lib/generations/request-schema";
import { isExperimentalSize } from "@/lib/images/size-rules";

type RequestFieldsProps = {
  values: FormValues;
  errors: FieldErrors;
  allowTransparent: boolean;
  set: (change: Partial<FormValues>) => void;
  /** Generations take moderation; edits do not (upstream refuses it there). */
  withModeration: boolean;
};

/**
 * The request's settings after the prompt, shared by the studio and the edit page: size (with
 * the fallback switch for an experimental size), quality, format, compression, background,
 * moderation where it applies, count and partial previews. Every control is named by its form
 * key, so the studio's form can post itself before its scripts run.
 */
export function RequestFields({ values, errors, allowTransparent, set, withModeration }: RequestFieldsProps) {
  const backgrounds = BACKGROUND_OPTIONS.filter((b) => b !== "transparent" || allowTransparent);
  return (
    <>
      <SizeField
        size={values.size}
        width={values.width}
        height={values.height}
        error={errors.size}
        onSizeChange={(size) => set(size === "custom" ? { size, ...customStart(values) } : { size })}
        onDimensionChange={set}
      />
      {isExperimentalSize(sizeOf(values)) && (
        <div className="flex items-start gap-2">
          <input type="hidden" name="fallback" value="off" />
          <input
            id={FIELD_IDS.fallback}
            name="fallback"
            value="on"
            type="checkbox"
            className="mt-1 accent-sky-500"
            checked={values.fallback}
            onChange={(e) => set({ fallback: e.target.checked })}
            aria-describedby={`${FIELD_IDS.fallback}-hint`}
          />
          <div>
            <label htmlFor={FIELD_IDS.fallback} className="text-sm text-zinc-300">
              Fall back if this size fails
            </label>
            <p id={`${FIELD_IDS.fallback}-hint`} className="text-xs text-zinc-500">
              Retries at medium quality, then draws smaller and upscales; the result says so.
            </p>
          </div>
        </div>
      )}

      <div className="grid grid-cols-2 gap-3">
        <Choice id={FIELD_IDS.quality} name="quality" label="Quality" error={errors.quality} options={QUALITY_OPTIONS} value={values.quality} onChange={(quality) => set({ quality })} />
        <Choice id={FIELD_IDS.output_format} name="format" label="Format" error={errors.output_format} options={FORMAT_OPTIONS} value={values.format} onChange={(format) => set({ format })} />
        {usesCompression(values.format) && (
          <Field id={FIELD_IDS.output_compression} label="Compression" error={errors.output_compression} hint="0-100; empty for the default">
            {(control) => (
              <input
                {...control}
                name="compression"
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                placeholder="100"
                className={controlClass}
                value={values.compression}
                onChange={(e) => set({ compression: e.target.value })}
              />
            )}
          </Field>
        )}
        <Choice id={FIELD_IDS.background} name="background" label="Background" error={errors.background} options={backgrounds} value={values.background} onChange={(background) => set({ background })} />
        {withModeration && (
          <Choice id={FIELD_IDS.moderation} name="moderation" label="Moderation" error={errors.moderation} options={MODERATION_OPTIONS} value={values.moderation} onChange={(moderation) => set({ moderation })} />
        )}
        <Count id={FIELD_IDS.n} name="images" label="Images" min={1} max={10} error={errors.n} value={values.images} onChange={(images) => set({ images })} />
        <Count id={FIELD_IDS.partial_images} name="partials" label="Partial previews" min={0} max={3} error={errors.partial_images} value={values.partials} onChange={(partials) => set({ partials })} />
      </div>
    </>
  );
}

/** Ctrl+Enter or ⌘+Enter in the prompt submits its form. */
export function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

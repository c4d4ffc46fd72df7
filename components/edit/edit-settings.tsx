"use client";

import type { KeyboardEvent } from "react";
import { Choice, controlClass, Count, Field } from "@/components/studio/field";
import { BACKGROUND_OPTIONS, customStart, FIELD_IDS, FORMAT_OPTIONS, QUALITY_OPTIONS, sizeOf, usesCompression, type FormValues } from "@/components/studio/form-values";
import { SizeField } from "@/components/studio/size-field";
import type { FieldErrors } from "@/lib/generations/request-schema";
import { isExperimentalSize } from "@/lib/images/size-rules";

type EditSettingsProps = {
  values: FormValues;
  errors: FieldErrors;
  allowTransparent: boolean;
  protect: boolean;
  onChange: (change: Partial<FormValues>) => void;
  onProtectChange: (protect: boolean) => void;
};

export const PROTECT_ID = "edit-protect";

/** The studio's generation settings, but moderation (edits take none), and the guard's switch. */
export function EditSettings({ values, errors, allowTransparent, protect, onChange: set, onProtectChange }: EditSettingsProps) {
  const backgrounds = BACKGROUND_OPTIONS.filter((b) => b !== "transparent" || allowTransparent);
  return (
    <div className="space-y-4">
      <div className="flex items-start gap-2">
        <input id={PROTECT_ID} type="checkbox" className="mt-1 accent-sky-500" checked={protect} onChange={(e) => onProtectChange(e.target.checked)} aria-describedby={`${PROTECT_ID}-hint`} />
        <div>
          <label htmlFor={PROTECT_ID} className="text-sm text-zinc-300">
            Protect unmasked area
          </label>
          <p id={`${PROTECT_ID}-hint`} className="text-xs text-zinc-500">
            Puts the source back over the result outside the painted area, with its soft edge, in case the gateway ignores the mask. The gateway&apos;s own result is kept too.
          </p>
        </div>
      </div>

      <Field id={FIELD_IDS.prompt} label="Prompt" error={errors.prompt} hint="Say what to change in the painted area; Ctrl+Enter or ⌘+Enter applies it">
        {(control) => (
          <textarea
            {...control}
            rows={5}
            required
            className={`${controlClass} min-h-28 resize-y leading-relaxed`}
            placeholder="Replace the sky with a stormy sunset"
            value={values.prompt}
            onChange={(e) => set({ prompt: e.target.value })}
            onKeyDown={submitOnModEnter}
          />
        )}
      </Field>

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
          <input id={FIELD_IDS.fallback} type="checkbox" className="mt-1 accent-sky-500" checked={values.fallback} onChange={(e) => set({ fallback: e.target.checked })} />
          <label htmlFor={FIELD_IDS.fallback} className="text-sm text-zinc-300">
            Fall back if this size fails
          </label>
        </div>
      )}

      <div className="grid grid-cols-2 gap-3">
        <Choice id={FIELD_IDS.quality} name="quality" label="Quality" error={errors.quality} options={QUALITY_OPTIONS} value={values.quality} onChange={(quality) => set({ quality })} />
        <Choice id={FIELD_IDS.output_format} name="format" label="Format" error={errors.output_format} options={FORMAT_OPTIONS} value={values.format} onChange={(format) => set({ format })} />
        {usesCompression(values.format) && (
          <Field id={FIELD_IDS.output_compression} label="Compression" error={errors.output_compression} hint="0-100; empty for the default">
            {(control) => (
              <input {...control} type="number" inputMode="numeric" min={0} max={100} placeholder="100" className={controlClass} value={values.compression} onChange={(e) => set({ compression: e.target.value })} />
            )}
          </Field>
        )}
        <Choice id={FIELD_IDS.background} name="background" label="Background" error={errors.background} options={backgrounds} value={values.background} onChange={(background) => set({ background })} />
        <Count id={FIELD_IDS.n} name="images" label="Images" min={1} max={10} error={errors.n} value={values.images} onChange={(images) => set({ images })} />
        <Count id={FIELD_IDS.partial_images} name="partials" label="Partial previews" min={0} max={3} error={errors.partial_images} value={values.partials} onChange={(partials) => set({ partials })} />
      </div>
    </div>
  );
}

function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

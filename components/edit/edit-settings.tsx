"use client";

import { controlClass, Field } from "@/components/studio/field";
import { FIELD_IDS, type FormValues } from "@/components/studio/form-values";
import { RequestFields, submitOnModEnter } from "@/components/studio/request-fields";
import type { FieldErrors } from "@/lib/generations/request-schema";

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

      <RequestFields values={values} errors={errors} allowTransparent={allowTransparent} set={set} withModeration={false} />
    </div>
  );
}


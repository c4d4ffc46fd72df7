"use client";

import { ACTION_OPTIONS, PARTIAL_OPTIONS, usesCompression, type SettingsDraft } from "@/components/agent/tool-settings-values";
import type { SettingsSaver } from "@/components/agent/use-settings-saver";
import { controlClass, Field } from "@/components/studio/field";
import { BACKGROUND_OPTIONS, FORMAT_OPTIONS, QUALITY_OPTIONS } from "@/components/studio/form-values";
import { SIZE_PRESETS } from "@/lib/images/size-rules";

type ToolSettingsProps = {
  saver: SettingsSaver;
  allowTransparent: boolean;
};

/** Typing waits this long before it is saved; a choice from a list is saved at once. */
const TYPING_MS = 600;

const ACTION_HINT = "generate draws anew, edit changes the latest or attached image, auto lets the model decide";

/** The image tool's settings for this conversation, saved with it (PATCH) as they change. */
export function ToolSettings({ saver, allowTransparent }: ToolSettingsProps) {
  const { draft, change, flush, error, saving } = saver;
  const sizes: readonly string[] = [...SIZE_PRESETS, "auto"];
  const sizeOptions = sizes.includes(draft.size) ? sizes : [...sizes, draft.size];
  const backgrounds = BACKGROUND_OPTIONS.filter((option) => option !== "transparent" || allowTransparent || draft.background === "transparent");
  const select = <K extends keyof SettingsDraft>(key: K, label: string, options: readonly SettingsDraft[K][], hint?: string) => (
    <Field id={`agent-${key}`} label={label} hint={hint}>
      {(control) => (
        <select
          {...control}
          className={controlClass}
          value={String(draft[key])}
          onChange={(event) => {
            const chosen = options.find((option) => String(option) === event.target.value);
            if (chosen !== undefined) change({ [key]: chosen } as Partial<SettingsDraft>);
          }}
        >
          {options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <section aria-labelledby="agent-settings-title" className="space-y-3 rounded-xl border border-zinc-800 bg-zinc-900/40 p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h3 id="agent-settings-title" className="text-sm font-semibold text-zinc-200">
          Tool settings
        </h3>
        <span className="text-xs text-zinc-500">{saving ? "Saving…" : "Saved with this conversation"}</span>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        {select("size", "Size", sizeOptions)}
        {select("quality", "Quality", QUALITY_OPTIONS)}
        {select("format", "Format", FORMAT_OPTIONS)}
        {usesCompression(draft.format) && (
          <Field id="agent-compression" label="Compression" hint="0-100; empty for the gateway's default">
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                step={1}
                className={controlClass}
                value={draft.compression}
                onChange={(event) => change({ compression: event.target.value }, TYPING_MS)}
                onBlur={() => void flush()}
              />
            )}
          </Field>
        )}
        {select("background", "Background", backgrounds)}
        {select("partialImages", "Partial previews", PARTIAL_OPTIONS)}
        {select("action", "Action", ACTION_OPTIONS, ACTION_HINT)}
        <Field id="agent-text-model" label="Text model" hint="The model that reads the conversation and calls the image tool">
          {(control) => (
            <input
              {...control}
              type="text"
              spellCheck={false}
              autoComplete="off"
              className={controlClass}
              value={draft.textModel}
              onChange={(event) => change({ textModel: event.target.value }, TYPING_MS)}
              onBlur={() => void flush()}
            />
          )}
        </Field>
      </div>
      {error && (
        <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
          <p>The settings were not saved: {error.message}</p>
          <p className="mt-1 font-mono text-xs text-red-300/80">{error.code}</p>
        </div>
      )}
    </section>
  );
}

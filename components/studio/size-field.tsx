"use client";

import { controlClass, Field, FieldError } from "@/components/studio/field";
import { FIELD_IDS, sizeOf, type FormValues, type SizeChoice } from "@/components/studio/form-values";
import { checkDimensions, isExperimentalSize, SIZE_LIMITS, SIZE_PRESETS } from "@/lib/images/size-rules";

type SizeValues = Pick<FormValues, "size" | "width" | "height">;

type SizeFieldProps = SizeValues & {
  /** The error the last submit found for `size`, if any. */
  error: string | undefined;
  onSizeChange: (size: SizeChoice) => void;
  onDimensionChange: (change: Partial<Pick<FormValues, "width" | "height">>) => void;
};

const EXPERIMENTAL = "experimental: slower, costlier";
/** SIZE_LIMITS.experimentalAbovePixels, as a person reads it. */
const EXPERIMENTAL_ABOVE = "2560x1440";
const CHOICES: readonly SizeChoice[] = [...SIZE_PRESETS, "auto", "custom"];

export function SizeField({ size, width, height, error, onSizeChange, onDimensionChange }: SizeFieldProps) {
  const custom = size === "custom";
  const experimental = isExperimentalSize(sizeOf({ size, width, height }));
  return (
    <div className="space-y-3">
      <Field
        id={FIELD_IDS.size}
        label="Size"
        error={custom ? undefined : error}
        hint={!custom && experimental ? `Above ${EXPERIMENTAL_ABOVE}: ${EXPERIMENTAL}` : undefined}
      >
        {(control) => (
          <select {...control} name="size" className={controlClass} value={size} onChange={(e) => onSizeChange(e.target.value as SizeChoice)}>
            {CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {isExperimentalSize(choice) ? `${choice} (${EXPERIMENTAL})` : choice}
              </option>
            ))}
          </select>
        )}
      </Field>
      {custom && <CustomSize width={width} height={height} error={error} experimental={experimental} onChange={onDimensionChange} />}
    </div>
  );
}

type CustomSizeProps = {
  width: string;
  height: string;
  error: string | undefined;
  experimental: boolean;
  onChange: SizeFieldProps["onDimensionChange"];
};

/** Width and height, checked against the size rules on every keystroke. */
function CustomSize({ width, height, error, experimental, onChange }: CustomSizeProps) {
  const problems = liveProblems(width, height);
  const messages = problems.length > 0 ? problems : error ? [error] : [];
  const problemsId = "studio-size-problems";
  const noteId = "studio-size-note";
  const describedBy = [messages.length > 0 ? problemsId : null, experimental && messages.length === 0 ? noteId : null].filter(Boolean).join(" ");
  const input = (id: string, label: "Width" | "Height", value: string, key: "width" | "height") => (
    <div className="flex-1">
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-zinc-300">
        {label}
      </label>
      <input
        id={id}
        name={key}
        type="number"
        inputMode="numeric"
        min={16}
        max={SIZE_LIMITS.maxEdge}
        step={SIZE_LIMITS.multiple}
        className={controlClass}
        value={value}
        aria-invalid={messages.length > 0 ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange({ [key]: e.target.value })}
      />
    </div>
  );
  return (
    <div>
      <div className="flex items-end gap-3">
        {input("studio-width", "Width", width, "width")}
        <span aria-hidden="true" className="pb-2 text-zinc-500">
          ×
        </span>
        {input("studio-height", "Height", height, "height")}
      </div>
      {messages.length > 0 && (
        <FieldError id={problemsId}>
          {messages.length === 1 ? (
            messages[0]
          ) : (
            <span className="block space-y-0.5">
              {messages.map((message) => (
                <span key={message} className="block">
                  {message}
                </span>
              ))}
            </span>
          )}
        </FieldError>
      )}
      {experimental && messages.length === 0 && (
        <p id={noteId} className="mt-1 text-xs text-amber-400">
          Above {EXPERIMENTAL_ABOVE}: {EXPERIMENTAL}
        </p>
      )}
      <p className="mt-1 text-xs text-zinc-500">
        Multiples of {SIZE_LIMITS.multiple}, longest edge up to {SIZE_LIMITS.maxEdge} px, at most {SIZE_LIMITS.maxAspect}:1.
      </p>
    </div>
  );
}

function liveProblems(width: string, height: string): string[] {
  if (width.trim() === "" || height.trim() === "") return ["Enter a width and a height in pixels"];
  return checkDimensions({ width: Number(width), height: Number(height) }).map((problem) => problem.message);
}

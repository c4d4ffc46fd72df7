import type { ReactNode } from "react";

/** Labelled controls with their hints and errors, wired for screen readers. */

/** What a control takes from its field: its id, and the ids of its error and hint. */
export type ControlProps = { id: string; "aria-invalid": true | undefined; "aria-describedby": string | undefined };

type FieldProps = {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
};

export const controlClass =
  "w-full rounded-md border border-zinc-700 bg-zinc-900 px-3 py-2 text-sm text-zinc-100 placeholder:text-zinc-500 " +
  "focus:outline-none focus-visible:border-sky-500 focus-visible:ring-2 focus-visible:ring-sky-500/40 " +
  "aria-invalid:border-red-500 disabled:opacity-60";

export function Field({ id, label, error, hint, className, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-zinc-300">
        {label}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-zinc-500">
          {hint}
        </p>
      )}
    </div>
  );
}

export function FieldError({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={id} className="mt-1 text-xs text-red-400">
      {children}
    </p>
  );
}

type ChoiceProps<T extends string> = {
  id: string;
  /** The form field's name, so the form also posts without scripts. */
  name: string;
  label: string;
  error: string | undefined;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
};

export function Choice<T extends string>({ id, name, label, error, options, value, onChange }: ChoiceProps<T>) {
  return (
    <Field id={id} label={label} error={error}>
      {(control) => (
        <select {...control} name={name} className={controlClass} value={value} onChange={(e) => onChange(e.target.value as T)}>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

type CountProps = { id: string; name: string; label: string; min: number; max: number; error: string | undefined; value: string; onChange: (value: string) => void };

export function Count({ id, name, label, min, max, error, value, onChange }: CountProps) {
  return (
    <Field id={id} label={label} error={error}>
      {(control) => (
        <input {...control} name={name} type="number" inputMode="numeric" min={min} max={max} step={1} className={controlClass} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

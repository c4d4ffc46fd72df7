"use client";

import { useActionState, useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { startGeneration, submitGenerationForm, type FormSubmission } from "@/app/(studio)/actions";
import { controlClass, Field } from "@/components/studio/field";
import { DEFAULT_VALUES, FIELD_IDS, formValuesFrom, isFormField, sizeOf, toRequestInput, type Asked, type FormField, type FormValues } from "@/components/studio/form-values";
import { EstimateNote } from "@/components/studio/estimate-note";
import { ProblemSummary, type Problem } from "@/components/studio/problem-summary";
import { RequestFields, submitOnModEnter } from "@/components/studio/request-fields";
import { checkRequest, preloadRequestCheck } from "@/components/studio/request-check";
import type { FieldErrors } from "@/lib/generations/request-schema";

type GenerationFormProps = {
  allowTransparent: boolean;
  onStarted: (id: string, asked: Asked) => void;
  /** Changes when a generation ends: the estimate and the budgets move with the history. */
  estimateKey: number;
};

/**
 * Once the page's scripts run, Generate checks the form in the browser and starts the generation
 * through a server action, and the view follows it in place. Before they run (a slow link), the
 * same form posts itself to a server action (progressive enhancement): the generation starts and
 * the page comes back showing it, or showing what was wrong with the values as typed.
 */
export function GenerationForm({ allowTransparent, onStarted, estimateKey }: GenerationFormProps) {
  const [posted, postForm] = useActionState(submitGenerationForm, null);
  const [values, setValues] = useState<FormValues>(posted?.values ?? DEFAULT_VALUES);
  const [errors, setErrors] = useState<FieldErrors>(posted?.fieldErrors ?? {});
  const [problem, setProblem] = useState<Problem | null>(() => (posted ? postedProblem(posted) : null));
  const [pending, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  // Hydration keeps what was typed before the scripts ran in the controls, not in the state.
  useEffect(() => adoptTyped(form.current, setValues), []);
  const set = (change: Partial<FormValues>) => setValues((current) => ({ ...current, ...change }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    startTransition(async () => {
      const check = await checkRequest(toRequestInput(values), { allowTransparent }).catch(() => null);
      if (!check) {
        setProblem({ heading: "The studio could not load its form checks; reload the page and try again.", items: [] });
        return;
      }
      if (!check.ok) {
        setErrors(check.fieldErrors);
        setProblem({ heading: "Check these fields before generating:", items: listErrors(check.fieldErrors, values) });
        const first = firstField(check.fieldErrors);
        if (first) document.getElementById(targetOf(first, values))?.focus();
        return;
      }
      setErrors({});
      setProblem(null);
      const request = check.request;
      const result = await startGeneration(request).catch(() => null);
      if (!result) {
        setProblem({ heading: "The studio could not reach the server; try again.", items: [] });
      } else if (!result.ok) {
        setErrors(fieldErrorOf(result.error));
        setProblem(serverProblem(result.error, values));
      } else {
        onStarted(result.value.id, { prompt: request.prompt, size: request.size, n: request.n });
      }
    });
  }

  const warmUp = () => void preloadRequestCheck({ allowTransparent }).catch(() => {});
  return (
    <form ref={form} action={postForm} onSubmit={submit} onFocus={warmUp} onPointerOver={warmUp} noValidate className="space-y-4" aria-label="Generation settings">
      <Field id={FIELD_IDS.prompt} label="Prompt" error={errors.prompt} hint="Ctrl+Enter or ⌘+Enter to generate">
        {(control) => (
          <textarea
            {...control}
            name="prompt"
            rows={6}
            required
            className={`${controlClass} min-h-32 resize-y leading-relaxed`}
            placeholder="A lighthouse on a basalt cliff at dusk, long exposure, 35 mm"
            value={values.prompt}
            onChange={(e) => set({ prompt: e.target.value })}
            onKeyDown={submitOnModEnter}
          />
        )}
      </Field>

      <RequestFields values={values} errors={errors} allowTransparent={allowTransparent} set={set} withModeration />

      {problem && <ProblemSummary problem={problem} />}

      <button
        type="submit"
        disabled={pending}
        aria-busy={pending || undefined}
        className="w-full rounded-md bg-sky-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:cursor-wait disabled:opacity-70"
      >
        Generate
      </button>
      <EstimateNote ask={{ size: sizeOf(values), quality: values.quality, format: values.format, images: values.images, partials: values.partials }} refreshKey={estimateKey} />
    </form>
  );
}

function adoptTyped(form: HTMLFormElement | null, setValues: (update: (current: FormValues) => FormValues) => void): void {
  if (!form) return;
  const data = new FormData(form);
  setValues((current) => {
    const typed = formValuesFrom(data, current);
    return JSON.stringify(current) === JSON.stringify(typed) ? current : typed;
  });
}

function fieldErrorOf(error: NonNullable<FormSubmission>["error"]): FieldErrors {
  return error.field ? { [error.field]: error.message } : {};
}

function postedProblem({ values, error, fieldErrors }: NonNullable<FormSubmission>): Problem {
  if (Object.keys(fieldErrors).length === 0) return serverProblem(error, values);
  return { heading: "Check these fields before generating:", items: listErrors(fieldErrors, values) };
}

function serverProblem(error: NonNullable<FormSubmission>["error"], values: FormValues): Problem {
  const { field, message, code } = error;
  return { heading: "The server did not take the request:", items: [{ target: field && isFormField(field) ? targetOf(field, values) : undefined, message }], code };
}

function listErrors(errors: FieldErrors, values: FormValues): Problem["items"] {
  return Object.entries(errors).flatMap(([field, message]) =>
    message ? [{ target: isFormField(field) ? targetOf(field, values) : undefined, message }] : [],
  );
}

function firstField(errors: FieldErrors): FormField | undefined {
  return (Object.keys(FIELD_IDS) as FormField[]).find((field) => errors[field]);
}

/** The control where a field's fix is made; a custom size is fixed in the Width input. */
function targetOf(field: FormField, values: FormValues): string {
  return field === "size" && values.size === "custom" ? "studio-width" : FIELD_IDS[field];
}

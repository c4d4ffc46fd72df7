import { FIELD_IDS, isFormField, type FormField, type FormValues } from "@/components/studio/form-values";
import type { Problem } from "@/components/studio/problem-summary";
import type { EditError } from "@/components/edit/submit-edit";
import type { FieldErrors } from "@/lib/generations/request-schema";

/** What the edit form says when it cannot start an edit: each fixable field linked to its control. */

export function fieldProblem(errors: FieldErrors, values: FormValues): Problem {
  const items = Object.entries(errors).flatMap(([field, message]) => (message ? [{ target: isFormField(field) ? targetOf(field, values) : undefined, message }] : []));
  return { heading: "Check these fields before applying the edit:", items };
}

/** The API's refusal: its message (naming the file or field), linked to the control when it is one of the form's, and its code. */
export function serverProblem(error: EditError, values: FormValues): Problem {
  const target = error.field && isFormField(error.field) ? targetOf(error.field, values) : undefined;
  return { heading: "The server did not take the edit:", items: [{ target, message: error.message }], code: error.code };
}

/** The field errors the API's refusal sets on the form's own controls. */
export function serverFieldErrors(error: EditError): FieldErrors {
  return error.field && isFormField(error.field) ? { [error.field]: error.message } : {};
}

/** The first field at fault, in the form's order: where focus goes. */
export function firstTarget(errors: FieldErrors, values: FormValues): string | undefined {
  const field = (Object.keys(FIELD_IDS) as FormField[]).find((key) => errors[key]);
  return field ? targetOf(field, values) : undefined;
}

/** The control where a field's fix is made; a custom size is fixed in the Width input. */
function targetOf(field: FormField, values: FormValues): string {
  return field === "size" && values.size === "custom" ? "studio-width" : FIELD_IDS[field];
}

"use server";

import { redirect } from "next/navigation";
import { formValuesFrom, toRequestInput, type FormValues } from "@/components/studio/form-values";
import { currentUserId } from "@/lib/auth/current-user";
import { notFound, type ApiErrorBody } from "@/lib/errors";
import { env } from "@/lib/env";
import { createGeneration } from "@/lib/generations/create";
import { checkGenerationRequest, type FieldErrors } from "@/lib/generations/request-schema";
import { guarded, type ActionResult } from "@/lib/http/action";
import { requireUuid } from "@/lib/http/handle";
import { requestCancel } from "@/lib/jobs/queue";

/** Queues a generation and returns its id at once; progress then arrives over SSE. */
export async function startGeneration(input: unknown): Promise<ActionResult<{ id: string }>> {
  return guarded(async () => createGeneration(await currentUserId(), input));
}

export type FormSubmission = { values: FormValues; error: ApiErrorBody; fieldErrors: FieldErrors } | null;

/**
 * The studio form posted before the page's scripts ran: starts the generation and sends the
 * browser to the page that follows it (a 303, so a reload never posts again), or returns the
 * values as typed with what was wrong, for the page to show.
 */
export async function submitGenerationForm(_previous: FormSubmission, data: FormData): Promise<FormSubmission> {
  const values = formValuesFrom(data);
  const input = toRequestInput(values);
  // Every field at fault, as the live form lists them; createGeneration checks again and names the first.
  const check = checkGenerationRequest(input, { allowTransparent: env().ALLOW_TRANSPARENT_BACKGROUND });
  const fieldErrors = check.ok ? {} : check.fieldErrors;
  const result = await guarded(async () => createGeneration(await currentUserId(), input));
  if (!result.ok) return { values, error: result.error, fieldErrors };
  redirect(`/?g=${result.value.id}`);
}

export async function cancelGeneration(id: unknown): Promise<ActionResult<{ state: string }>> {
  return guarded(async () => {
    const generationId = requireUuid(id, "Generation"); // before any query: PostgreSQL errors on a malformed uuid
    const state = await requestCancel(await currentUserId(), generationId);
    if (state === "not_found") throw notFound("Generation");
    return { state };
  });
}

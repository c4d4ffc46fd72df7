"use server";

import { currentUserId } from "@/lib/auth/current-user";
import { ApiError, type ApiErrorBody } from "@/lib/errors";
import { createGeneration } from "@/lib/generations/create";
import { requestCancel } from "@/lib/jobs/queue";

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

async function guarded<T>(work: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.body };
    console.error(error);
    return { ok: false, error: { code: "internal_error", message: "The server could not take the request; the error was logged" } };
  }
}

/** Queues a generation and returns its id at once; progress then arrives over SSE. */
export async function startGeneration(input: unknown): Promise<ActionResult<{ id: string }>> {
  return guarded(async () => createGeneration(await currentUserId(), input));
}

export async function cancelGeneration(id: unknown): Promise<ActionResult<{ state: string }>> {
  return guarded(async () => {
    if (typeof id !== "string" || !/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError(422, "invalid_request", "Not a generation id", "id");
    const state = await requestCancel(await currentUserId(), id);
    if (state === "not_found") throw new ApiError(404, "not_found", "That generation was not found");
    return { state };
  });
}

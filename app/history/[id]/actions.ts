"use server";

import { redirect } from "next/navigation";
import { currentUserId } from "@/lib/auth/current-user";
import { generationDetail } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { createGeneration } from "@/lib/generations/create";
import { deleteGeneration as removeGeneration, updateGeneration } from "@/lib/history/manage";
import { guarded, type ActionResult } from "@/lib/http/action";
import { requireUuid } from "@/lib/http/handle";
import { regenerateInput } from "./regenerate-input";

/** A new generation with the same parameters; the browser follows it on the studio page. */
export async function regenerate(id: unknown): Promise<ActionResult<never>> {
  const result = await guarded(async () => {
    const ownerId = await currentUserId();
    const past = await generationDetail(ownerId, requireUuid(id, "Generation"));
    if (!past) throw notFound("Generation");
    return createGeneration(ownerId, regenerateInput(past));
  });
  if (!result.ok) return result;
  redirect(`/?g=${result.value.id}`);
}

export async function setFavorite(id: unknown, favorite: unknown): Promise<ActionResult<{ id: string; favorite: boolean }>> {
  return guarded(async () => updateGeneration(await currentUserId(), requireUuid(id, "Generation"), { favorite }));
}

/** Refused with 409 generation_active while it is queued or running. */
export async function deleteGeneration(id: unknown): Promise<ActionResult<{ id: string }>> {
  return guarded(async () => {
    const { id: deleted } = await removeGeneration(await currentUserId(), requireUuid(id, "Generation"));
    return { id: deleted };
  });
}

import { generationDetail } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { deleteGeneration, updateGeneration } from "@/lib/history/manage";
import { readJson, requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ ownerId, params }) => {
  const detail = await generationDetail(ownerId, requireUuid(params.id, "Generation"));
  if (!detail) throw notFound("Generation");
  return Response.json(detail);
});

/** `{"favorite": true|false}`: 200 `{id, favorite}`. */
export const PATCH = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const id = requireUuid(params.id, "Generation");
  return Response.json(await updateGeneration(ownerId, id, await readJson(request)));
});

/** Removes a finished generation, its images and the files no other row uses: 200 `{id, deleted, removedBlobs}`; 409 while it runs. */
export const DELETE = route<{ id: string }>(async ({ ownerId, params }) => {
  return Response.json(await deleteGeneration(ownerId, requireUuid(params.id, "Generation")));
});

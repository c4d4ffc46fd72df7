import { listGenerations } from "@/lib/db/history-list";
import { createGeneration } from "@/lib/generations/create";
import { readJson, route } from "@/lib/http/route";
import { mark } from "@/lib/trace";

export const dynamic = "force-dynamic";

/** Queues a generation; answers 202 with its id before any gateway call. */
export const POST = route(async ({ request, ownerId }) => {
  mark("post:handler");
  const { id } = await createGeneration(ownerId, await readJson(request));
  mark("post:enqueued");
  return Response.json({ id }, { status: 202, headers: { Location: `/api/generations/${id}` } });
});

export const GET = route(async ({ request, ownerId }) => {
  return Response.json(await listGenerations(ownerId, new URL(request.url).searchParams));
});

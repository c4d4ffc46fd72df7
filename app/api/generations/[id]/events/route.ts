import { findOwnedGeneration } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { requireUuid, route } from "@/lib/http/route";
import { followGeneration } from "@/lib/sse/follow";
import { resumeAfter } from "@/lib/sse/encode";
import { sseResponse } from "@/lib/sse/response";

export const dynamic = "force-dynamic";

/** Replays a generation's stored events after Last-Event-ID, then follows new ones live. */
export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const id = requireUuid(params.id, "Generation");
  if (!(await findOwnedGeneration(ownerId, id))) throw notFound("Generation");
  const after = resumeAfter(request.headers.get("last-event-id"), new URL(request.url).searchParams.get("lastEventId"));
  return sseResponse(followGeneration(id, after, request.signal));
});

import { isTurnOf } from "@/lib/db/conversations";
import { notFound } from "@/lib/errors";
import { requireUuid, route } from "@/lib/http/route";
import { followGeneration } from "@/lib/sse/follow";
import { resumeAfter } from "@/lib/sse/encode";
import { sseResponse } from "@/lib/sse/response";

export const dynamic = "force-dynamic";

/**
 * A turn's events: the same stream as `/api/generations/<turnId>/events` (a turn is a generation),
 * once the turn is known to be one of the owner's conversation's. Resumable with Last-Event-ID.
 */
export const GET = route<{ id: string; turnId: string }>(async ({ request, ownerId, params }) => {
  const id = requireUuid(params.id, "Conversation");
  const turnId = requireUuid(params.turnId, "Turn");
  if (!(await isTurnOf(ownerId, id, turnId))) throw notFound("Turn");
  const after = resumeAfter(request.headers.get("last-event-id"), new URL(request.url).searchParams.get("lastEventId"));
  return sseResponse(followGeneration(turnId, after, request.signal));
});

import { notFound } from "@/lib/errors";
import { requireUuid, route } from "@/lib/http/route";
import { requestCancel } from "@/lib/jobs/queue";

export const dynamic = "force-dynamic";

/** Stops a queued or running generation; 409 when it had already finished. */
export const POST = route<{ id: string }>(async ({ ownerId, params }) => {
  const state = await requestCancel(ownerId, requireUuid(params.id, "Generation"));
  if (state === "not_found") throw notFound("Generation");
  return Response.json({ state }, { status: state === "finished" ? 409 : 202 });
});

import { sendMessage } from "@/lib/agent/conversations";
import { readMessage } from "@/lib/agent/message-input";
import { requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * Sends a message (JSON `{text, imageIds?, settings?}`, or multipart with `text`, `image[]`
 * files, an optional `mask`, repeated `imageIds`) and queues the turn that answers it: 202
 * `{turnId, messageId}` before any gateway call; its events at `turns/<turnId>/events`. 409
 * `turn_active` while a turn of the conversation is queued or running.
 */
export const POST = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const id = requireUuid(params.id, "Conversation");
  const sent = await sendMessage(ownerId, id, await readMessage(request));
  return Response.json(sent, { status: 202, headers: { Location: `/api/conversations/${id}/turns/${sent.turnId}/events` } });
});

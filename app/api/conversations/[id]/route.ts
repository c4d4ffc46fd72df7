import { conversationDetail, deleteConversation, updateConversation } from "@/lib/agent/conversations";
import { readJson, requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{id, title, settings, messages, activeTurn, limits}`: the conversation as stored, and its turn still going, if any. */
export const GET = route<{ id: string }>(async ({ ownerId, params }) => {
  return Response.json(await conversationDetail(ownerId, requireUuid(params.id, "Conversation")));
});

/** `{title?, settings?}` (settings: only those to change): 200 `{id, title, settings}`. */
export const PATCH = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const id = requireUuid(params.id, "Conversation");
  return Response.json(await updateConversation(ownerId, id, await readJson(request)));
});

/** Deletes it and its messages; its turns stay in history. 200 `{id, deleted}`; 409 `turn_active` while a turn runs. */
export const DELETE = route<{ id: string }>(async ({ ownerId, params }) => {
  return Response.json(await deleteConversation(ownerId, requireUuid(params.id, "Conversation")));
});

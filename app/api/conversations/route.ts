import { createConversation, listConversations } from "@/lib/agent/conversations";
import { readJson, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The owner's conversations, most recently active first: `{items: [{id, title, updatedAt, lastMessage}]}`. */
export const GET = route(async ({ ownerId }) => Response.json(await listConversations(ownerId)));

/** `{title?, settings?}` (an empty body too): 201 `{id, title, settings}`, the settings with their defaults filled in. */
export const POST = route(async ({ request, ownerId }) => {
  // No body at all is a conversation with the defaults; a body must be JSON.
  const body = request.body === null || request.headers.get("content-length") === "0" ? {} : await readJson(request);
  const created = await createConversation(ownerId, body);
  return Response.json(created, { status: 201, headers: { Location: `/api/conversations/${created.id}` } });
});

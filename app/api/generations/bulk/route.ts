import { bulkAction } from "@/lib/history/bulk";
import { readJson, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Favourite, unfavourite or delete several generations: 200 with what was done and what was skipped, and why. */
export const POST = route(async ({ request, ownerId }) => Response.json(await bulkAction(ownerId, await readJson(request, 64 * 1024))));

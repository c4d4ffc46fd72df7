import { generationDetail } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ ownerId, params }) => {
  const detail = await generationDetail(ownerId, requireUuid(params.id, "Generation"));
  if (!detail) throw notFound("Generation");
  return Response.json(detail);
});

import { ownedImage } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { imageResponse, notModified } from "@/lib/http/image-response";
import { requireUuid, route } from "@/lib/http/route";
import { ensureThumbnail } from "@/lib/jobs/pictures";

export const dynamic = "force-dynamic";

/** The WebP thumbnail; made now if the worker has not made it yet. */
export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const image = await ownedImage(ownerId, requireUuid(params.id, "Image"));
  if (!image) throw notFound("Image");
  const thumb = await ensureThumbnail(image);
  return notModified(request, thumb) ?? imageResponse(thumb, "webp");
});

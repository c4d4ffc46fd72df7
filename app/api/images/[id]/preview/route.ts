import { ownedImage } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { imageResponse, notModified } from "@/lib/http/image-response";
import { requireUuid, route } from "@/lib/http/route";
import { previewOf } from "@/lib/jobs/previews";

export const dynamic = "force-dynamic";

/** What the live view shows of a partial: its browser-sized WebP copy when it is large, else the image itself. */
export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const image = await ownedImage(ownerId, requireUuid(params.id, "Image"));
  if (!image) throw notFound("Image");
  const shown = await previewOf(image);
  return notModified(request, shown.sha256) ?? imageResponse(shown.sha256, shown.format, shown.bytes);
});

import { ownedImage } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { imageResponse, notModified } from "@/lib/http/image-response";
import { requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** What the live view shows of a partial: its browser-sized WebP copy, or the image itself when it is small. */
export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const image = await ownedImage(ownerId, requireUuid(params.id, "Image"));
  if (!image) throw notFound("Image");
  if (!image.previewSha256) return notModified(request, image.sha256) ?? imageResponse(image.sha256, image.format, image.bytes);
  return notModified(request, image.previewSha256) ?? imageResponse(image.previewSha256, "webp");
});

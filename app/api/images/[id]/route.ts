import { ownedImage } from "@/lib/db/generations";
import { notFound } from "@/lib/errors";
import { imageResponse, notModified } from "@/lib/http/image-response";
import { requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const image = await ownedImage(ownerId, requireUuid(params.id, "Image"));
  if (!image) throw notFound("Image");
  return notModified(request, image.sha256) ?? imageResponse(image.sha256, image.format, image.bytes);
});

import { ownedImage } from "@/lib/db/generations";
import { ApiError, notFound } from "@/lib/errors";
import { contentDisposition, downloadName } from "@/lib/history/file-name";
import { imageResponse, notModified } from "@/lib/http/image-response";
import { requireUuid, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The original bytes; with `?download=1`, as an attachment named from the generation's date and prompt. */
export const GET = route<{ id: string }>(async ({ request, ownerId, params }) => {
  const download = wantsDownload(new URL(request.url).searchParams);
  const image = await ownedImage(ownerId, requireUuid(params.id, "Image"));
  if (!image) throw notFound("Image");
  const cached = notModified(request, image.sha256);
  if (cached) return cached;
  const response = await imageResponse(image.sha256, image.format, image.bytes);
  if (download) {
    const { createdAt, promptStart, n } = image.generation;
    const name = downloadName({ createdAt, prompt: promptStart, imageIndex: image.imageIndex, count: n, partialIndex: image.kind === "partial" ? image.partialIndex : null, format: image.format });
    response.headers.set("Content-Disposition", contentDisposition(name));
  }
  return response;
});

function wantsDownload(params: URLSearchParams): boolean {
  const values = params.getAll("download");
  if (values.length === 0) return false;
  if (values.length === 1 && values[0] === "1") return true;
  throw new ApiError(400, "invalid_request", "download must be 1 (or left out)", "download");
}

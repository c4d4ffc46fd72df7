import { startEdit } from "@/lib/edits/create";
import { readMultipart } from "@/lib/http/form";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The whole request's limit. The gateway takes up to 16 images of 50 MB each, but 800 MB held in
 * memory for one request is more than a studio should take; 200 MB covers the edited image, its
 * mask and references of any real size (a 4K PNG is some 25 MB).
 */
const MAX_EDIT_BODY_BYTES = 200 * 1024 * 1024;

/**
 * Queues an edit (multipart: `image[]` files, the edited one first, or `source_image_id` and
 * repeated `reference_image_id`; optional `mask`; the generation fields but `moderation`;
 * `protect`); answers 202 with its id before any gateway call. Its events are a generation's.
 */
export const POST = route(async ({ request, ownerId }) => {
  const form = await readMultipart(request, MAX_EDIT_BODY_BYTES, "200 MB: an edit's files may total at most 200 MB");
  const { id } = await startEdit(ownerId, form);
  return Response.json({ id }, { status: 202, headers: { Location: `/api/generations/${id}` } });
});

import { contentDisposition } from "@/lib/history/file-name";
import { archiveName, planArchive, readArchiveIds } from "@/lib/history/archive";
import { zipStream } from "@/lib/history/zip-stream";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Several generations' final images as one ZIP with their metadata.json, streamed as it is written. */
export const POST = route(async ({ request, ownerId }) => {
  const ids = await readArchiveIds(request);
  const now = new Date();
  const plan = await planArchive(ownerId, ids, now);
  const body = zipStream(plan.files, [{ name: "metadata.json", content: plan.metadata }], request.signal);
  return new Response(body, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": contentDisposition(archiveName(now)),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});

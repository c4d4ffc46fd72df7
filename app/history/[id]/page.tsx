import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptsTable } from "@/components/history/detail/attempts-table";
import { DetailFacts } from "@/components/history/detail/detail-facts";
import { DetailViewer } from "@/components/history/detail/detail-viewer";
import { Lineage } from "@/components/history/detail/lineage";
import { truncate } from "@/components/history/detail/format";
import type { ViewerImage } from "@/components/history/detail/types";
import { currentUserId } from "@/lib/auth/current-user";
import { generationDetail } from "@/lib/db/generations";
import { ownedImageInfo } from "@/lib/db/image-info";
import { isUuid } from "@/lib/validation/uuid";

/** Read per request: a generation changes while it runs, and may be deleted. */
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Generation · Image Studio" };

type Params = Promise<{ id: string }>;

export default async function GenerationPage({ params }: { params: Params }) {
  const { id } = await params;
  if (!isUuid(id)) notFound(); // before any query: PostgreSQL errors on a malformed uuid
  const ownerId = await currentUserId();
  const detail = await generationDetail(ownerId, id.toLowerCase());
  if (!detail) notFound();
  const active = detail.status === "queued" || detail.status === "running";
  const images: ViewerImage[] = detail.images.map(({ id, imageIndex, url, thumbUrl, width, height, format, fidelity, rawImageId }) => ({ id, imageIndex, url, thumbUrl, width, height, format, fidelity, rawImageId }));
  // An edit's source at its own size, for the before/after view.
  const sourceInfo = detail.edit?.sourceImageId ? await ownedImageInfo(ownerId, detail.edit.sourceImageId) : null;
  const source = sourceInfo && { url: sourceInfo.url, width: sourceInfo.width, height: sourceInfo.height };
  return (
    <main className="mx-auto max-w-7xl space-y-5 px-4 py-6 sm:px-6">
      <Link href="/history" className="inline-block rounded text-sm text-zinc-400 hover:text-zinc-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        ← History
      </Link>
      <h1 className="text-lg font-semibold tracking-tight break-words">{truncate(detail.prompt, 140)}</h1>
      {active && (
        <p className="rounded-md border border-sky-500/40 bg-sky-950/30 p-3 text-sm text-sky-200">
          This generation is still {detail.status}.{" "}
          <Link href={`/?g=${detail.id}`} className="underline hover:text-white">
            Follow it in the studio
          </Link>
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <DetailViewer id={detail.id} prompt={detail.prompt} asked={detail.n} images={images} favorite={detail.favorite} active={active} source={source} />
        <div className="min-w-0 space-y-6">
          <DetailFacts detail={detail} />
          <Lineage edit={detail.edit} edits={detail.edits} />
        </div>
      </div>
      <AttemptsTable attempts={detail.attempts} />
    </main>
  );
}

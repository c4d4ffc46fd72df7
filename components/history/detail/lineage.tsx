/* eslint-disable @next/next/no-img-element -- thumbnails are small WebP files served with immutable caching; next/image adds nothing. */

import Link from "next/link";
import { timestamp, truncate } from "@/components/history/detail/format";
import type { GenerationDetail } from "@/components/history/detail/types";

type LineageProps = Pick<GenerationDetail, "edit" | "edits">;

const thumb = "size-16 shrink-0 rounded object-cover";

/** Where an edit came from (its source and references) and the edits made from this generation: reachable both ways. */
export function Lineage({ edit, edits }: LineageProps) {
  if (!edit && edits.length === 0) return null;
  return (
    <section aria-labelledby="lineage-heading" className="space-y-4 rounded-lg border border-zinc-800 bg-zinc-900/60 p-4 text-sm">
      <h2 id="lineage-heading" className="text-xs font-medium uppercase tracking-wide text-zinc-500">
        Lineage
      </h2>
      {edit && <Origin edit={edit} />}
      {edits.length > 0 && <EditList edits={edits} />}
    </section>
  );
}

function Origin({ edit }: { edit: NonNullable<GenerationDetail["edit"]> }) {
  const { sourceImageId, sourceGenerationId, referenceImageIds, maskImageId, protect } = edit;
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        {sourceImageId ? (
          <>
            <img src={`/api/images/${sourceImageId}/thumb`} alt="" width={64} height={64} loading="lazy" className={thumb} />
            <div>
              {/* The source's own generation when it came from history; the stored copy (a file, not a page) when it was an upload. */}
              {sourceGenerationId ? (
                <Link href={`/history/${sourceGenerationId}`} className="text-sky-400 hover:underline">
                  Source image
                </Link>
              ) : (
                <a href={`/api/images/${sourceImageId}`} className="text-sky-400 hover:underline">
                  Source image
                </a>
              )}
              <p className="text-xs text-zinc-500">{sourceGenerationId ? "the generation this edit was made from" : "uploaded for this edit"}</p>
            </div>
          </>
        ) : (
          <p className="text-zinc-400">The source image of this edit is no longer stored.</p>
        )}
      </div>
      <p className="text-zinc-400">
        {maskImageId ? "Masked edit" : "No mask: the whole picture could change"}
        {maskImageId && ` · protect unmasked area ${protect ? "on" : "off"}`}
      </p>
      {referenceImageIds.length > 0 && (
        <div>
          <h3 className="mb-1 text-xs text-zinc-500">References</h3>
          <ul aria-label="References" className="flex flex-wrap gap-2">
            {referenceImageIds.map((id, position) => (
              <li key={id}>
                <a href={`/api/images/${id}`} className="block rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
                  <img src={`/api/images/${id}/thumb`} alt={`Reference ${position + 1}`} width={64} height={64} loading="lazy" className={thumb} />
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function EditList({ edits }: { edits: GenerationDetail["edits"] }) {
  return (
    <div>
      <h3 className="mb-1 text-xs text-zinc-500">
        Edits made from this generation
      </h3>
      <ul aria-label="Edits" className="space-y-2">
        {edits.map((child) => (
          <li key={child.id}>
            <Link href={`/history/${child.id}`} className="flex items-center gap-3 rounded-md p-1 hover:bg-zinc-800/60 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
              {child.coverThumbUrl ? (
                <img src={child.coverThumbUrl} alt="" width={64} height={64} loading="lazy" className={thumb} />
              ) : (
                <span aria-hidden="true" className={`${thumb} bg-zinc-800`} />
              )}
              <span className="min-w-0">
                <span className="block truncate text-zinc-200">{truncate(child.prompt, 100)}</span>
                <time dateTime={child.createdAt} className="text-xs text-zinc-500">
                  {timestamp(child.createdAt)}
                </time>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

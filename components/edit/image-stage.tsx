"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import type { Ref } from "react";
import type { EditedImage } from "@/components/edit/edit-form-data";
import type { MaskEditorHandle } from "@/components/mask-editor/types";

/** The painter's code loads only here, in the browser, once there is an image to paint on. */
const MaskEditor = dynamic(() => import("@/components/mask-editor/mask-editor"), {
  ssr: false,
  loading: () => <div className="flex min-h-80 items-center justify-center rounded-xl border border-zinc-800 bg-zinc-900 text-sm text-zinc-400">Loading the mask editor…</div>,
});

type ImageStageProps = {
  image: EditedImage;
  /** Where a stored image came from, to link back to it. */
  origin: { generationId: string; prompt: string } | null;
  handle: Ref<MaskEditorHandle>;
  onChangeImage: () => void;
};

/** The image being edited in the mask editor, with what it is and a way to pick another. */
export function ImageStage({ image, origin, handle, onChangeImage }: ImageStageProps) {
  return (
    <section aria-label="Image and mask" className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-400">
        <p className="min-w-0 truncate">
          Editing {image.kind === "upload" ? image.file.name : "an image from history"} · {image.width}×{image.height}
          {origin && (
            <>
              {" · "}
              <Link href={`/history/${origin.generationId}`} className="text-sky-400 hover:underline" title={origin.prompt}>
                its generation
              </Link>
            </>
          )}
        </p>
        <button
          type="button"
          onClick={onChangeImage}
          className="rounded-md border border-zinc-700 px-2.5 py-1 text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          Choose another image
        </button>
      </div>
      {/* Keyed by the picture: a new one starts with an empty mask at its own size. */}
      <MaskEditor key={image.url} image={{ url: image.url, width: image.width, height: image.height }} handle={handle} />
      <p className="text-xs text-zinc-500">Paint where the picture may change; the rest is kept. Nothing painted: the whole picture may change.</p>
    </section>
  );
}

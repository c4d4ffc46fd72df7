"use client";

import { useCallback, useState } from "react";
import { CompareSlider } from "@/components/history/detail/compare-slider";
import { DetailActions } from "@/components/history/detail/detail-actions";
import { imageAlt } from "@/components/history/detail/format";
import { ImageThumbnails } from "@/components/history/detail/image-thumbnails";
import type { ComparePicture, ViewerImage } from "@/components/history/detail/types";
import { useDetailKeys } from "@/components/history/detail/use-detail-keys";
import { ZoomableImage } from "@/components/history/detail/zoomable-image";
import { FidelityNote } from "@/components/studio/fidelity-note";

type DetailViewerProps = {
  id: string;
  prompt: string;
  /** How many images were asked: image 2 of 3 stays "of 3" when one of them failed. */
  asked: number;
  images: ViewerImage[];
  favorite: boolean;
  active: boolean;
  /** An edit's source, for the before/after view of the shown image. */
  source?: ComparePicture | null;
};

/** The interactive half of the detail page: the shown image, its siblings, the keys and the actions. */
export function DetailViewer({ id, prompt, asked, images, favorite, active, source = null }: DetailViewerProps) {
  const [position, setPosition] = useState(0);
  const move = useCallback((delta: number) => setPosition((current) => Math.min(images.length - 1, Math.max(0, current + delta))), [images.length]);
  useDetailKeys(images.length, move);
  const shown = images[position] ?? null;
  return (
    <section aria-label="Images" className="min-w-0 space-y-3">
      <DetailActions id={id} prompt={prompt} favorite={favorite} imageCount={images.length} shown={shown} />
      {shown ? (
        // Keyed by image: another image starts fitted, not at the last one's zoom.
        <ZoomableImage key={shown.id} src={shown.url} alt={imageAlt(shown.imageIndex, Math.max(asked, images.length), prompt)} width={shown.width} height={shown.height} />
      ) : (
        <div className="flex h-64 items-center justify-center rounded-lg border border-zinc-800 bg-zinc-900 text-sm text-zinc-400">
          {active ? "No image yet: the generation is still under way." : "No image was stored for this generation."}
        </div>
      )}
      {shown && <FidelityNote images={[shown]} count={images.length} role="note" />}
      {images.length > 0 && <ImageThumbnails images={images} shown={position} onShow={setPosition} />}
      {shown && source && (
        <section aria-label="Before and after">
          {/* Keyed by image: each result is compared from the middle. */}
          <CompareSlider key={shown.id} before={source} after={shown} />
        </section>
      )}
    </section>
  );
}

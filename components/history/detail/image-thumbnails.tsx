"use client";

/* eslint-disable @next/next/no-img-element -- thumbnails are small WebP files served with immutable caching; next/image adds nothing. */

import type { ViewerImage } from "@/components/history/detail/types";

/** Every image of the generation; the pressed one is shown above. */
export function ImageThumbnails({ images, shown, onShow }: { images: ViewerImage[]; shown: number; onShow: (position: number) => void }) {
  return (
    <ul aria-label="Images of this generation" className="flex flex-wrap gap-2">
      {images.map((image, position) => (
        <li key={image.id}>
          <button
            type="button"
            aria-pressed={position === shown}
            onClick={() => onShow(position)}
            className="group flex flex-col items-center gap-1 rounded-md border border-zinc-800 p-1 text-xs text-zinc-400 hover:border-zinc-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 aria-pressed:border-sky-500 aria-pressed:text-sky-200"
          >
            <img src={image.thumbUrl} alt="" width={80} height={80} loading="lazy" className="size-20 rounded object-cover" />
            <span>Image {image.imageIndex + 1}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

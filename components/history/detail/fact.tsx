import type { ReactNode } from "react";
import type { DetailImage } from "@/components/history/detail/types";

/** One term and its value in the facts list. */
export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_minmax(0,1fr)] gap-x-4 border-b border-zinc-800/70 py-2 last:border-b-0">
      <dt className="text-zinc-500">{term}</dt>
      <dd className="min-w-0 break-words text-zinc-200">{children}</dd>
    </div>
  );
}

/** What each image received, under what was asked: "Image 2: …" (or "Received: …" for one image). */
export function PerImage({ images, render }: { images: DetailImage[]; render: (image: DetailImage) => ReactNode }) {
  if (images.length === 0) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-zinc-400">
      {images.map((image) => (
        <li key={image.id}>
          <span className="text-zinc-500">{images.length > 1 ? `Image ${image.imageIndex + 1}: ` : "Received: "}</span>
          {render(image)}
        </li>
      ))}
    </ul>
  );
}

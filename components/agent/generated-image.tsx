"use client";

/* eslint-disable @next/next/no-img-element -- our own stored images and partials, which must paint the moment their event lands. */

import Link from "next/link";
import type { MessageImage } from "@/components/agent/agent-api";
import { truncate } from "@/components/studio/image-slot";

type GeneratedImageProps = {
  image: MessageImage;
  /** What the image shows, for its alt text: the revised prompt, or the message that asked for it. */
  about: string;
  /** The turn that made it: its history detail. */
  turnId: string | null;
  picked: boolean;
  onTogglePick: (image: MessageImage) => void;
};

const action = "rounded-md border border-zinc-700 px-2.5 py-1 text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

/** An image the tool made: opens its generation in history, edits in the mask editor, or goes with the next message. */
export function GeneratedImage({ image, about, turnId, picked, onTogglePick }: GeneratedImageProps) {
  const alt = `Generated image${about.trim() ? `: ${truncate(about, 120)}` : ""}`;
  const picture = <img src={image.url} alt={alt} width={image.width} height={image.height} className="h-auto max-h-[28rem] w-auto max-w-full rounded-lg border border-zinc-800 bg-zinc-900 object-contain" />;
  return (
    <figure className="space-y-2">
      {turnId ? (
        <Link href={`/history/${encodeURIComponent(turnId)}`} prefetch={false} className="inline-block rounded-lg focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
          {picture}
        </Link>
      ) : (
        picture
      )}
      <figcaption className="flex flex-wrap items-center gap-2 text-xs text-zinc-400">
        <span>
          {image.width}×{image.height}
        </span>
        {/* The editor is its own page; unprefetched, so none of its code comes with this one's. */}
        <Link href={`/edit?image=${encodeURIComponent(image.id)}`} prefetch={false} className={action}>
          Edit
        </Link>
        <button type="button" aria-pressed={picked} onClick={() => onTogglePick(image)} className={`${action} aria-pressed:border-sky-500 aria-pressed:bg-sky-950 aria-pressed:text-sky-100`}>
          Use this image
        </button>
      </figcaption>
    </figure>
  );
}

/** A partial preview of an image still being drawn. */
export function PartialPreview({ url, partialIndex, partialCount, imageIndex }: { url: string; partialIndex: number; partialCount: number; imageIndex: number }) {
  const count = Math.max(partialCount, partialIndex + 1);
  const which = imageIndex > 0 ? ` for image ${imageIndex + 1}` : "";
  return <img src={url} alt={`Partial preview ${partialIndex + 1} of ${count}${which}`} decoding="sync" className="h-auto max-h-[28rem] w-auto max-w-full rounded-lg border border-zinc-800 bg-zinc-900 object-contain opacity-90" />;
}

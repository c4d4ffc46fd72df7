"use client";

/* eslint-disable @next/next/no-img-element -- partials must paint the moment their event lands; next/image would add a round trip through the optimiser. */

import Link from "next/link";
import { useState } from "react";
import type { ImageSlot } from "@/components/studio/generation-state";
import type { ImageEvent, PartialEvent } from "@/lib/generations/events";

type ImageSlotViewProps = {
  index: number;
  slot: ImageSlot | undefined;
  /** Width and height the placeholder assumes until the final image says otherwise. */
  expected: { width: number; height: number };
  prompt: string | null;
  waiting: boolean;
};

/** One image's place in the results: a placeholder, then the latest partial, then the final. */
export function ImageSlotView({ index, slot, expected, prompt, waiting }: ImageSlotViewProps) {
  const final = slot?.final ?? null;
  const partial = slot?.partial ?? null;
  const { width, height } = final ?? expected;
  return (
    <figure className="min-w-0 space-y-2">
      <div
        className="relative mx-auto w-full overflow-hidden rounded-lg border border-zinc-800 bg-zinc-900"
        style={{ aspectRatio: `${width} / ${height}`, maxWidth: `calc(70vh * ${width / height})` }}
      >
        {final ? (
          <FinalImage key={final.url} index={index} image={final} partial={partial} prompt={prompt} />
        ) : partial ? (
          <PartialImage index={index} partial={partial} />
        ) : (
          <Placeholder index={index} waiting={waiting} />
        )}
      </div>
      {final && <ImageCaption index={index} image={final} />}
    </figure>
  );
}

const fill = "absolute inset-0 h-full w-full object-contain";

/** Element Timing marks the moment a picture is painted (bench:click reads it); React has no typed prop for it. */
const paintTiming = (name: string) => (name ? ({ elementtiming: name } as Record<string, string>) : {});

function PartialImage({ index, partial, hidden = false }: { index: number; partial: PartialEvent; hidden?: boolean }) {
  const count = Math.max(partial.partialCount, partial.partialIndex + 1);
  return (
    <img
      src={partial.url}
      alt={hidden ? "" : `Partial preview ${partial.partialIndex + 1} of ${count} for image ${index + 1}`}
      aria-hidden={hidden || undefined}
      className={fill}
      decoding="sync"
      fetchPriority="high"
      {...paintTiming(hidden ? "" : "partial-preview")}
    />
  );
}

/** The final image covers the last partial only once it has loaded, so the slot never blanks. */
function FinalImage({ index, image, partial, prompt }: { index: number; image: ImageEvent; partial: PartialEvent | null; prompt: string | null }) {
  const [loaded, setLoaded] = useState(false);
  const about = prompt ?? image.revisedPrompt;
  return (
    <>
      {partial && !loaded && <PartialImage index={index} partial={partial} hidden />}
      <img
        src={image.url}
        alt={`Generated image ${index + 1}${about ? `: ${truncate(about, 120)}` : ""}`}
        width={image.width}
        height={image.height}
        className={fill}
        onLoad={() => setLoaded(true)}
        {...paintTiming("generated-image")}
      />
    </>
  );
}

function Placeholder({ index, waiting }: { index: number; waiting: boolean }) {
  return (
    <div className={`absolute inset-0 flex items-center justify-center bg-zinc-800/40 ${waiting ? "animate-pulse" : ""}`}>
      <span className="text-sm text-zinc-500">{waiting ? `Image ${index + 1}` : `No image ${index + 1}`}</span>
    </div>
  );
}

const STEP_TEXT: Record<string, string> = {
  "fallback-medium": "fallback: same size at medium quality",
  "fallback-small": "fallback: drawn small at medium quality, then upscaled",
};

const captionAction = "rounded-md border border-zinc-700 px-2.5 py-1 text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

function ImageCaption({ index, image }: { index: number; image: ImageEvent }) {
  const step = STEP_TEXT[image.step];
  return (
    <figcaption className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-400">
      <span>
        {image.width}×{image.height} · {image.format}
        {step && <span className="ml-2 rounded bg-amber-500/15 px-1.5 py-0.5 text-amber-200">{step}</span>}
      </span>
      <span className="flex gap-2">
        {/* The editor is its own page; unprefetched, so none of its code comes with the studio's. */}
        <Link href={`/edit?image=${encodeURIComponent(image.imageId)}`} prefetch={false} className={captionAction}>
          Edit
        </Link>
        <a href={image.url} download={`image-${index + 1}.${image.format === "jpeg" ? "jpg" : image.format}`} className={captionAction}>
          Download image {index + 1}
        </a>
      </span>
    </figcaption>
  );
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

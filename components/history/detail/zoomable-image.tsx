"use client";

/* eslint-disable @next/next/no-img-element -- the original bytes at real pixels: next/image would resize and re-encode them. */

import { useDragPan } from "@/components/history/detail/use-drag-pan";
import { useZoom } from "@/components/history/detail/use-zoom";
import { MAX_ZOOM } from "@/components/history/detail/zoom-steps";

type ZoomableImageProps = { src: string; alt: string; width: number; height: number };

const button =
  "rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50 aria-pressed:border-sky-500 aria-pressed:text-sky-200";

/** The full-size image: fitted by default, at real pixels on request, zoomed by steps and panned by drag or scroll. */
export function ZoomableImage({ src, alt, width, height }: ZoomableImageProps) {
  const { viewport, zoom, scale, shown, overflows, measured, setZoom, zoomIn, zoomOut } = useZoom({ width, height });
  const { dragging, handlers } = useDragPan(overflows);
  return (
    <div className="space-y-2">
      <div role="toolbar" aria-label="Zoom" className="flex flex-wrap items-center gap-2">
        <button type="button" className={button} onClick={() => zoomOut()} disabled={zoom === "fit"}>
          Zoom out
        </button>
        <button type="button" className={button} onClick={() => setZoom("fit")} aria-pressed={zoom === "fit"}>
          Fit
        </button>
        <button type="button" className={button} onClick={() => setZoom(1)} aria-pressed={zoom === 1}>
          Actual size
        </button>
        <button type="button" className={button} onClick={() => zoomIn()} disabled={scale >= MAX_ZOOM}>
          Zoom in
        </button>
        <span className="text-xs tabular-nums text-zinc-400">
          {measured ? `${Math.round(scale * 100)}%${zoom === "fit" ? " (fit)" : ""}` : ""}
        </span>
      </div>
      <div
        ref={viewport}
        {...handlers}
        role="group"
        aria-label="Image viewer"
        tabIndex={0}
        className={`h-[70vh] rounded-lg border border-zinc-800 bg-zinc-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${zoom === "fit" ? "overflow-hidden" : "overflow-auto"} ${overflows ? (dragging ? "cursor-grabbing" : "cursor-grab") : ""}`}
      >
        {/* Until measured (and on the server) the picture is fitted by CSS alone. */}
        <div className={measured ? "flex min-h-full w-max min-w-full items-center justify-center" : "flex h-full w-full items-center justify-center"}>
          <img
            src={src}
            alt={alt}
            width={width}
            height={height}
            draggable={false}
            className={measured ? "max-w-none select-none" : "h-auto max-h-full w-auto max-w-full"}
            style={measured ? { width: shown.width, height: shown.height } : undefined}
          />
        </div>
      </div>
    </div>
  );
}

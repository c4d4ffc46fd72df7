"use client";

/* eslint-disable @next/next/no-img-element -- the stored originals, stacked at the same place; next/image would re-encode them. */

import { useRef, useState, type PointerEvent } from "react";

type Picture = { url: string; width: number; height: number };

/**
 * Before and after, stacked: the source on the left of the divider, the edit's result on its
 * right. The divider is a range input (arrows, Page Up/Down, Home/End move it), and a press or
 * drag on the pictures moves it too.
 */
export function CompareSlider({ before, after, id = "compare-slider" }: { before: Picture; after: Picture; id?: string }) {
  const [position, setPosition] = useState(50);
  const dragging = useRef(false);
  const moveTo = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width > 0) setPosition(Math.round(Math.min(100, Math.max(0, ((event.clientX - box.left) / box.width) * 100))));
  };
  const aspect = after.width / after.height;
  return (
    <figure className="space-y-2">
      <div
        className="relative mx-auto w-full cursor-ew-resize touch-none select-none overflow-hidden rounded-lg border border-zinc-800 bg-zinc-900"
        style={{ aspectRatio: `${after.width} / ${after.height}`, maxWidth: `calc(70vh * ${aspect})` }}
        onPointerDown={(event) => {
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => dragging.current && moveTo(event)}
        onPointerUp={() => (dragging.current = false)}
        onPointerCancel={() => (dragging.current = false)}
      >
        <img src={before.url} alt="Before: the source image" width={before.width} height={before.height} draggable={false} className="absolute inset-0 h-full w-full object-contain" />
        <img
          src={after.url}
          alt="After: this edit's result"
          width={after.width}
          height={after.height}
          draggable={false}
          className="absolute inset-0 h-full w-full object-contain"
          style={{ clipPath: `inset(0 0 0 ${position}%)` }}
        />
        <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-sky-400 shadow" style={{ left: `${position}%` }} />
      </div>
      <figcaption className="flex items-center gap-3 text-xs text-zinc-400">
        <label htmlFor={id} className="font-medium text-zinc-300">
          Compare
        </label>
        <span aria-hidden="true">Source</span>
        <input
          id={id}
          type="range"
          min={0}
          max={100}
          step={1}
          value={position}
          aria-valuetext={`${position}% source, ${100 - position}% result`}
          onChange={(event) => setPosition(Number(event.target.value))}
          className="flex-1 accent-sky-500"
        />
        <span aria-hidden="true">Result</span>
      </figcaption>
    </figure>
  );
}

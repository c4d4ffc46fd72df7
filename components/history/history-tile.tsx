"use client";

import Link from "next/link";
import { memo, useState, type MouseEvent } from "react";
import type { HistoryItem } from "./history-api";

type TileProps = {
  item: HistoryItem;
  index: number;
  selected: boolean;
  /** Checkboxes stay visible while anything is selected. */
  selecting: boolean;
  /** The one tile in the tab order (roving tabindex). */
  tabbable: boolean;
  /** True while the grid is flung past: a tile appearing then asks for its picture once it slows. */
  deferImage: boolean;
  /** range: a shift-click, extending from the last clicked. */
  onSelect: (id: string, range: boolean) => void;
  onFocusTile: (index: number) => void;
};

const ALT_CHARS = 100;
export const altOf = (prompt: string) => (prompt.length > ALT_CHARS ? `${prompt.slice(0, ALT_CHARS - 1)}…` : prompt);

/** One generation: a link to its detail page, with a checkbox beside it to select it. */
export const HistoryTile = memo(function HistoryTile({ item, index, selected, selecting, tabbable, deferImage, onSelect, onFocusTile }: TileProps) {
  // Once asked for, a picture stays: a tile never blanks when a fling starts again.
  const [asked, setAsked] = useState(!deferImage);
  if (!deferImage && !asked) setAsked(true); // state adjusted while rendering, React's pattern for a prop change
  const showImage = asked || !deferImage;
  // Ctrl/Cmd-click and shift-click select instead of opening (or opening a new tab or window).
  const onClick = (event: MouseEvent) => {
    if (!(event.ctrlKey || event.metaKey || event.shiftKey)) return;
    event.preventDefault();
    onSelect(item.id, event.shiftKey);
  };
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      className={`group relative h-full overflow-hidden rounded-md border bg-zinc-900 ${selected ? "border-sky-400 ring-2 ring-sky-400" : "border-zinc-800"}`}
    >
      <Link
        href={`/history/${item.id}`}
        // Thousands of tiles scroll past: prefetching each detail page would be a request per tile.
        prefetch={false}
        data-tile-index={index}
        tabIndex={tabbable ? 0 : -1}
        onClick={onClick}
        onFocus={() => onFocusTile(index)}
        title={item.prompt}
        className="block size-full focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-400"
      >
        {item.cover && !showImage ? (
          <span role="img" aria-label={altOf(item.prompt)} className="block size-full bg-zinc-800/60" />
        ) : item.cover ? (
          // eslint-disable-next-line @next/next/no-img-element -- our own immutable thumbnails; next/image would re-encode them
          <img
            src={item.cover.thumbUrl}
            alt={altOf(item.prompt)}
            width={item.cover.width || undefined}
            height={item.cover.height || undefined}
            loading="lazy"
            decoding="async"
            draggable={false}
            className="size-full object-cover"
          />
        ) : (
          <Placeholder item={item} />
        )}
      </Link>
      <input
        type="checkbox"
        aria-label="Select"
        tabIndex={-1}
        checked={selected}
        onChange={(event) => onSelect(item.id, (event.nativeEvent as globalThis.MouseEvent).shiftKey === true)}
        className={`absolute left-2 top-2 size-5 cursor-pointer accent-sky-500 transition-opacity focus:opacity-100 group-hover:opacity-100 group-focus-within:opacity-100 ${selected || selecting ? "opacity-100" : "opacity-0"}`}
      />
      {item.favorite && (
        <span className="pointer-events-none absolute right-2 top-1.5 text-lg text-amber-300 drop-shadow">
          <span aria-hidden="true">★</span>
          <span className="sr-only">Favorite</span>
        </span>
      )}
    </div>
  );
});

const STATUS_TEXT: Record<string, string> = { queued: "Queued", running: "Running…", failed: "Failed", cancelled: "Cancelled", done: "No image" };

/** A generation without a picture: its status, why it failed or was cancelled, and its prompt. */
function Placeholder({ item }: { item: HistoryItem }) {
  const failed = item.status === "failed" || item.status === "cancelled";
  return (
    <span className="flex size-full flex-col justify-center gap-1 p-3 pt-9 text-left">
      <span className={`text-sm font-medium ${failed ? "text-red-300" : "text-zinc-300"}`}>{STATUS_TEXT[item.status] ?? item.status}</span>
      {failed && item.error?.message && <span className="line-clamp-3 text-xs text-zinc-400">{item.error.message}</span>}
      <span className="line-clamp-2 text-xs text-zinc-500">{altOf(item.prompt)}</span>
    </span>
  );
}

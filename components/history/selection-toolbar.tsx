"use client";

import { useRef } from "react";
import { MAX_IDS } from "./history-api";

type SelectionToolbarProps = {
  ids: readonly string[];
  busy: boolean;
  onFavorite: (favorite: boolean) => void;
  onDelete: () => void;
  onClear: () => void;
};

const button =
  "rounded-md border border-zinc-700 px-3 py-1.5 text-sm text-zinc-100 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50";

/**
 * What can be done with the selection. Download ZIP posts a plain form, so the browser itself
 * receives the streamed archive and saves it as it arrives (no blob held in the page).
 */
export function SelectionToolbar({ ids, busy, onFavorite, onDelete, onClear }: SelectionToolbarProps) {
  const form = useRef<HTMLFormElement>(null);
  const tooMany = ids.length > MAX_IDS;
  return (
    <section aria-label="Selection" className="flex flex-wrap items-center gap-2 rounded-lg border border-zinc-700 bg-zinc-900/95 px-3 py-2 shadow-xl backdrop-blur">
      <p className="mr-2 text-sm font-medium text-zinc-100">{ids.length.toLocaleString("en-US")} selected</p>
      <form ref={form} method="post" action="/api/generations/archive" hidden>
        {!tooMany && ids.map((id) => <input key={id} type="hidden" name="ids" value={id} />)}
      </form>
      <button type="button" className={button} disabled={tooMany} title={tooMany ? `A ZIP takes at most ${MAX_IDS} generations` : undefined} onClick={() => form.current?.submit()}>
        Download ZIP
      </button>
      <button type="button" className={button} disabled={busy} onClick={() => onFavorite(true)}>
        Favorite selected
      </button>
      <button type="button" className={button} disabled={busy} onClick={() => onFavorite(false)}>
        Unfavorite selected
      </button>
      <button type="button" className={`${button} border-red-500/60 text-red-200 hover:bg-red-950`} disabled={busy} onClick={onDelete}>
        Delete selected
      </button>
      <button type="button" className={button} onClick={onClear}>
        Clear selection
      </button>
      {tooMany && <p className="w-full text-xs text-amber-300">A ZIP takes at most {MAX_IDS} generations; select fewer to download.</p>}
    </section>
  );
}

"use client";

import { useEffect, useRef, type SyntheticEvent } from "react";
import { truncate } from "@/components/history/detail/format";

type DeleteDialogProps = { prompt: string; imageCount: number; pending: boolean; onConfirm: () => void; onCancel: () => void };

/**
 * The confirmation before a delete: a modal <dialog> (focus stays inside, the page behind is
 * inert), saying exactly what goes. Mounted only while open; Esc is its Cancel.
 */
export function DeleteDialog({ prompt, imageCount, pending, onConfirm, onCancel }: DeleteDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  const cancel = (event: SyntheticEvent) => {
    event.preventDefault(); // closed by unmounting, so the page's state and the dialog agree
    if (!pending) onCancel();
  };
  const images = imageCount === 0 ? "no stored images" : imageCount === 1 ? "its image" : `its ${imageCount} images`;
  return (
    <dialog
      ref={dialog}
      aria-labelledby="delete-title"
      aria-describedby="delete-what"
      onCancel={cancel}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-zinc-700 bg-zinc-900 p-5 text-sm text-zinc-100 shadow-xl backdrop:bg-black/70"
    >
      <h2 id="delete-title" className="text-base font-semibold">
        Delete this generation?
      </h2>
      <p id="delete-what" className="mt-2 text-zinc-300">
        This removes the generation “{truncate(prompt, 100)}” with {images}, its attempts and its recorded events, and every image file no other
        generation still uses. It cannot be undone.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          onClick={cancel}
          disabled={pending}
          className="rounded-md border border-zinc-600 px-3 py-1.5 text-zinc-100 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending}
          className="rounded-md bg-red-600 px-3 py-1.5 font-medium text-white hover:bg-red-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-300 disabled:cursor-wait disabled:opacity-70"
        >
          Delete
        </button>
      </div>
    </dialog>
  );
}

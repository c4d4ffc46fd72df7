"use client";

import { useEffect, useRef } from "react";

type DeleteDialogProps = { open: boolean; count: number; onConfirm: () => void; onCancel: () => void };

/** Asks before a bulk delete, as a modal <dialog>: Esc or Cancel keeps everything. */
export function DeleteDialog({ open, count, onConfirm, onCancel }: DeleteDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  const what = count === 1 ? "this generation" : `these ${count} generations`;
  return (
    <dialog
      ref={dialog}
      aria-labelledby="history-delete-title"
      aria-describedby="history-delete-text"
      onClose={onCancel}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-700 bg-zinc-900 p-5 text-zinc-100 backdrop:bg-black/60"
    >
      <h2 id="history-delete-title" className="text-lg font-semibold">
        Delete {what}?
      </h2>
      <p id="history-delete-text" className="mt-2 text-sm text-zinc-400">
        Their images are removed too; this cannot be undone. Generations still queued or running are skipped.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          autoFocus
          onClick={onCancel}
          className="rounded-md border border-zinc-700 px-4 py-2 text-sm hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-300"
        >
          Delete
        </button>
      </div>
    </dialog>
  );
}

"use client";

import { useEffect, useId, useRef, type ReactNode, type SyntheticEvent } from "react";

type ConfirmDialogProps = {
  title: string;
  /** Says exactly what the action does and what it removes. */
  children: ReactNode;
  confirmLabel: string;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * A question before a destructive action, as a modal <dialog>: focus stays inside, the page behind
 * is inert, Esc is its Cancel and Cancel takes the first focus. Mounted only while asking, so the
 * page's state and the dialog never disagree.
 */
export function ConfirmDialog({ title, children, confirmLabel, pending = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  const cancel = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!pending) onCancel();
  };
  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={cancel}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-zinc-700 bg-zinc-900 p-5 text-sm text-zinc-100 shadow-xl backdrop:bg-black/70"
    >
      <h2 id={`${id}-title`} className="text-base font-semibold">
        {title}
      </h2>
      <p id={`${id}-text`} className="mt-2 text-zinc-300">
        {children}
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button
          type="button"
          autoFocus
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
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

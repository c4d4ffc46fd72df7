"use client";

import type { ReactNode } from "react";
import { ModalDialog } from "@/components/ui/modal-dialog";

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
 * A question before a destructive action, as a ModalDialog mounted only while asking: Esc is its
 * Cancel, and Cancel takes the first focus.
 */
export function ConfirmDialog({ title, children, confirmLabel, pending = false, onConfirm, onCancel }: ConfirmDialogProps) {
  const cancel = () => {
    if (!pending) onCancel();
  };
  return (
    <ModalDialog title={title} description={children} onCancel={cancel} className="w-[min(32rem,calc(100vw-2rem))] bg-zinc-900 p-5">
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
    </ModalDialog>
  );
}

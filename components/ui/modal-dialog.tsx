"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

type ModalDialogProps = {
  title: string;
  /** Says what the dialog is for; its id describes the dialog. */
  description?: ReactNode;
  /** Esc, and whatever the caller's own Cancel or Done does. */
  onCancel: () => void;
  /** Width, padding and background: each dialog's own. */
  className: string;
  descriptionClassName?: string;
  children: ReactNode;
};

/**
 * A modal <dialog> mounted only while open: shown with showModal() when it mounts (focus stays
 * inside, the page behind is inert) and closed when it unmounts, so the page's state and the
 * dialog never disagree. Esc goes through `onCancel` instead of closing it behind the page's back.
 */
export function ModalDialog({ title, description, onCancel, className, descriptionClassName = "mt-2 text-zinc-300", children }: ModalDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-text` : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      className={`m-auto rounded-lg border border-zinc-700 text-sm text-zinc-100 shadow-xl backdrop:bg-black/70 ${className}`}
    >
      <h2 id={`${id}-title`} className="text-base font-semibold">
        {title}
      </h2>
      {description && (
        <p id={`${id}-text`} className={descriptionClassName}>
          {description}
        </p>
      )}
      {children}
    </dialog>
  );
}

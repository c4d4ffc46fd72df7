"use client";

import dynamic from "next/dynamic";
import { useRef, useState } from "react";
import type { MaskEditorHandle } from "@/components/mask-editor/types";
import { ModalDialog } from "@/components/ui/modal-dialog";

/** The painter's code loads only when a person asks to paint a mask, in the browser. */
const MaskEditor = dynamic(() => import("@/components/mask-editor/mask-editor"), {
  ssr: false,
  loading: () => <div className="flex min-h-72 items-center justify-center rounded-lg border border-zinc-800 bg-zinc-900 text-sm text-zinc-400">Loading the mask editor…</div>,
});

type MaskDialogProps = {
  image: { url: string; width: number; height: number };
  onUse: (mask: Blob | null) => void;
  onClose: () => void;
};

/**
 * The mask editor in a modal dialog, for the message's first image. Mounted only while open (the
 * composer keys it by the image), so what the dialog shows and what the page holds never disagree.
 */
export function MaskDialog({ image, onUse, onClose }: MaskDialogProps) {
  const handle = useRef<MaskEditorHandle>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const cancel = () => {
    if (!pending) onClose();
  };

  async function use() {
    setPending(true);
    try {
      onUse((await handle.current?.exportMask()) ?? null);
    } catch {
      setProblem("The mask could not be read out of the editor; try Use mask again.");
      setPending(false);
    }
  }

  return (
    <ModalDialog
      title="Paint a mask"
      description="The tool may change the painted area of this image and keeps the rest; nothing painted means no mask."
      onCancel={cancel}
      className="w-[min(64rem,calc(100vw-2rem))] bg-zinc-950 p-4"
      descriptionClassName="mt-2 mb-3 text-xs text-zinc-400"
    >
      <MaskEditor image={image} handle={handle} />
      {problem && (
        <p role="alert" className="mt-2 text-red-300">
          {problem}
        </p>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <button type="button" onClick={cancel} disabled={pending} className="rounded-md border border-zinc-600 px-3 py-1.5 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60">
          Cancel
        </button>
        <button
          type="button"
          onClick={() => void use()}
          disabled={pending}
          aria-busy={pending || undefined}
          className="rounded-md bg-sky-600 px-3 py-1.5 font-medium text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:opacity-70"
        >
          Use mask
        </button>
      </div>
    </ModalDialog>
  );
}

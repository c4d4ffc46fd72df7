"use client";

/* eslint-disable @next/next/no-img-element -- local object URLs and our own thumbnails; next/image cannot load a blob: URL. */

import { useState, type FormEvent, type KeyboardEvent } from "react";
import { attachmentAbout, type Attachment } from "@/components/agent/attachments";
import { HistoryPicker } from "@/components/agent/history-picker";
import { MaskDialog } from "@/components/agent/mask-dialog";
import type { Attachments } from "@/components/agent/use-attachments";
import { ACCEPT } from "@/components/edit/incoming-files";
import { controlClass } from "@/components/studio/field";

export type SendError = { code: string; message: string };

type MessageComposerProps = {
  attachments: Attachments;
  /** The resend cap, as a sentence. */
  resendNote: string;
  dragging: boolean;
  pending: boolean;
  error: SendError | null;
  /** Resolves true when the message was accepted, so the box empties only then. */
  onSend: (text: string) => Promise<boolean>;
};

const MESSAGE_ID = "agent-message";
const ATTACH_ID = "agent-attach";

/** The message box, its images (uploaded, pasted, dropped, or picked from the conversation or history) and the mask on the first one. */
export function MessageComposer({ attachments, resendNote, dragging, pending, error, onSend }: MessageComposerProps) {
  const [text, setText] = useState("");
  const [painting, setPainting] = useState<Attachment | null>(null);
  const [pickingHistory, setPickingHistory] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (await onSend(text)) setText("");
  }

  return (
    <>
      <form onSubmit={submit} noValidate className="space-y-3 rounded-xl border border-zinc-800 bg-zinc-900/40 p-4">
        <div>
          <label htmlFor={MESSAGE_ID} className="mb-1 block text-sm font-medium text-zinc-300">
            Message
          </label>
          <textarea
            id={MESSAGE_ID}
            rows={3}
            className={`${controlClass} min-h-20 resize-y leading-relaxed`}
            placeholder="A watercolour fox in the snow — then: make it warmer"
            value={text}
            aria-describedby={`${MESSAGE_ID}-hint`}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={sendOnModEnter}
          />
          <p id={`${MESSAGE_ID}-hint`} className="mt-1 text-xs text-zinc-500">
            Ctrl+Enter or ⌘+Enter sends.
          </p>
        </div>
        <div>
          <label htmlFor={ATTACH_ID} className="mb-1 block text-sm font-medium text-zinc-300">
            Attach images
          </label>
          <input
            id={ATTACH_ID}
            type="file"
            accept={ACCEPT}
            multiple
            aria-describedby={`${ATTACH_ID}-hint`}
            className="block w-full text-sm text-zinc-300 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-800 file:px-3 file:py-1.5 file:text-zinc-100 hover:file:bg-zinc-700"
            onChange={(event) => {
              void attachments.addFiles([...(event.currentTarget.files ?? [])]);
              event.currentTarget.value = "";
            }}
          />
          <p id={`${ATTACH_ID}-hint`} className="mt-1 text-xs text-zinc-500">
            {dragging ? "Drop the images to attach them." : "Paste or drop images here too, or use one from the conversation or from history."} {resendNote}
          </p>
          <button type="button" aria-haspopup="dialog" onClick={() => setPickingHistory(true)} className="mt-2 rounded-md border border-zinc-700 px-2.5 py-1 text-sm text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
            Pick from history
          </button>
        </div>
        <AttachmentList attachments={attachments} onPaint={setPainting} />
        {attachments.refused.length > 0 && (
          <div role="alert" className="rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
            {attachments.refused.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
        {error && (
          <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
            <p>{error.message}</p>
            <p className="mt-1 font-mono text-xs text-red-300/80">{error.code}</p>
          </div>
        )}
        <div className="flex justify-end">
          <button
            type="submit"
            disabled={pending}
            aria-busy={pending || undefined}
            className="rounded-md bg-sky-600 px-5 py-2 text-sm font-semibold text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:cursor-wait disabled:opacity-70"
          >
            Send
          </button>
        </div>
      </form>
      {/* Outside the form: nothing in the painter or the picker may submit the message. */}
      {pickingHistory && <HistoryPicker attachments={attachments} onClose={() => setPickingHistory(false)} />}
      {painting && (
        <MaskDialog
          key={painting.key}
          image={{ url: painting.url, width: painting.width, height: painting.height }}
          onUse={(mask) => {
            attachments.setMask(mask);
            setPainting(null);
          }}
          onClose={() => setPainting(null)}
        />
      )}
    </>
  );
}

function sendOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

const small = "rounded border border-zinc-700 px-1.5 py-0.5 text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

function AttachmentList({ attachments, onPaint }: { attachments: Attachments; onPaint: (item: Attachment) => void }) {
  const { items, first, mask } = attachments;
  if (items.length === 0) return null;
  return (
    <ul aria-label="Chosen images" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
      {items.map((item, position) => {
        const about = attachmentAbout(item);
        const captionId = `attachment-${item.key}`;
        const isFirst = item.key === first?.key;
        return (
          <li key={item.key} className="space-y-1 rounded-md border border-zinc-800 p-1 text-xs text-zinc-400">
            <img src={item.kind === "upload" ? item.url : item.thumbUrl} alt={`Attached image ${position + 1}: ${about}`} className="aspect-square w-full rounded object-cover" />
            <p id={captionId} className="truncate" title={about}>
              {position + 1}. {about}
              {isFirst && mask && " · mask painted"}
            </p>
            <div className="flex flex-wrap gap-1">
              <button type="button" aria-describedby={captionId} onClick={() => attachments.remove(item.key)} className={`${small} hover:border-red-500 hover:text-red-200`}>
                Remove
              </button>
              {isFirst && (
                <button type="button" aria-describedby={captionId} onClick={() => onPaint(item)} className={small}>
                  Paint mask
                </button>
              )}
              {isFirst && mask && (
                <button type="button" aria-describedby={captionId} onClick={() => attachments.setMask(null)} className={small}>
                  Discard mask
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

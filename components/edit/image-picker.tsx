"use client";

import { ACCEPT } from "@/components/edit/incoming-files";

export const IMAGE_INPUT_ID = "edit-image";

/** Before an image is chosen: a file input, and the word that pasting and dropping work too. */
export function ImagePicker({ onFiles, dragging }: { onFiles: (files: File[]) => void; dragging: boolean }) {
  return (
    <div
      className={`flex min-h-80 flex-col items-center justify-center gap-3 rounded-xl border-2 border-dashed p-8 text-center ${dragging ? "border-sky-500 bg-sky-950/20" : "border-zinc-700"}`}
    >
      <label htmlFor={IMAGE_INPUT_ID} className="text-base font-medium text-zinc-100">
        Image to edit
      </label>
      <input
        id={IMAGE_INPUT_ID}
        type="file"
        accept={ACCEPT}
        aria-describedby={`${IMAGE_INPUT_ID}-hint`}
        className="max-w-full text-sm text-zinc-300 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-800 file:px-3 file:py-1.5 file:text-zinc-100 hover:file:bg-zinc-700"
        onChange={(event) => {
          onFiles([...(event.currentTarget.files ?? [])]);
          event.currentTarget.value = ""; // the same file picked again is a change too
        }}
      />
      <p id={`${IMAGE_INPUT_ID}-hint`} className="max-w-sm text-xs text-zinc-500">
        PNG, JPEG or WebP. You can also paste an image, or drop one anywhere on this page; more than one dropped at once adds the rest as references.
      </p>
    </div>
  );
}

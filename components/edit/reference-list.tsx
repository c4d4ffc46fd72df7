"use client";

/* eslint-disable @next/next/no-img-element -- local object URLs and our own thumbnails; next/image cannot load a blob: URL. */

import type { Reference } from "@/components/edit/edit-form-data";
import { ACCEPT, MAX_REFERENCES } from "@/components/edit/incoming-files";

type ReferenceListProps = { references: readonly Reference[]; onFiles: (files: File[]) => void; onRemove: (key: string) => void };

const INPUT_ID = "edit-references";

/** Up to 15 pictures sent after the edited one, each shown with its remove button. Files dropped here are references. */
export function ReferenceList({ references, onFiles, onRemove }: ReferenceListProps) {
  const full = references.length >= MAX_REFERENCES;
  return (
    <div data-drop="references" className="space-y-2">
      <label htmlFor={INPUT_ID} className="block text-sm font-medium text-zinc-300">
        Reference images
      </label>
      <input
        id={INPUT_ID}
        type="file"
        accept={ACCEPT}
        multiple
        disabled={full}
        aria-describedby={`${INPUT_ID}-hint`}
        className="block w-full text-sm text-zinc-300 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-800 file:px-3 file:py-1.5 file:text-zinc-100 hover:file:bg-zinc-700 disabled:opacity-60"
        onChange={(event) => {
          onFiles([...(event.currentTarget.files ?? [])]);
          event.currentTarget.value = "";
        }}
      />
      <p id={`${INPUT_ID}-hint`} className="text-xs text-zinc-500">
        {references.length} of {MAX_REFERENCES}: pictures the model sees beside the edited one (it always goes first); paste or drop them here too.
      </p>
      {references.length > 0 && (
        <ul aria-label="References chosen" className="grid grid-cols-3 gap-2">
          {references.map((reference, position) => {
            const about = reference.kind === "upload" ? reference.file.name : "from history";
            const captionId = `reference-${reference.key}`;
            return (
              <li key={reference.key} className="space-y-1 rounded-md border border-zinc-800 p-1 text-xs text-zinc-400">
                <img src={reference.url} alt={`Reference ${position + 1}: ${about}`} className="aspect-square w-full rounded object-cover" />
                <p id={captionId} className="truncate" title={about}>
                  {position + 1}. {about}
                </p>
                <button
                  type="button"
                  aria-describedby={captionId}
                  onClick={() => onRemove(reference.key)}
                  className="w-full rounded border border-zinc-700 px-1.5 py-0.5 text-zinc-200 hover:border-red-500 hover:text-red-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                >
                  Remove reference
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

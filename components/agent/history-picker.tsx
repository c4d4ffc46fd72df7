"use client";

/* eslint-disable @next/next/no-img-element -- our own stored thumbnails, at their own size. */

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { AgentRequestError, isClientError, listHistoryPicks } from "@/components/agent/agent-api";
import { pickLabel } from "@/components/agent/attachments";
import { historyPicksKey } from "@/components/agent/query-keys";
import type { Attachments } from "@/components/agent/use-attachments";
import { ModalDialog } from "@/components/ui/modal-dialog";

const SEARCH_DELAY_MS = 300;

type HistoryPickerProps = { attachments: Attachments; onClose: () => void };

/**
 * The person's recent finished generations, by cover, as a modal <dialog>: each thumbnail picks or
 * unpicks that image for the next message, in the same list (and under the same cap) as the
 * conversation's "Use this image". Mounted only while open; outside the message form, so Enter in
 * its search box never sends the message.
 */
export function HistoryPicker({ attachments, onClose }: HistoryPickerProps) {
  const id = useId();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    if (search.trim() === q) return;
    const timer = setTimeout(() => setQ(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, q]);

  const query = useQuery({
    queryKey: historyPicksKey(q),
    queryFn: ({ signal }) => listHistoryPicks(q, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: (failures, error) => failures < 1 && !isClientError(error),
  });

  const picks = query.data ?? [];
  const chosen = attachments.items.length;

  return (
    <ModalDialog
      title="Pick from history"
      description="Your recent finished images. The ones you pick go with the next message, beside any chosen from the conversation."
      onCancel={onClose}
      className="max-h-[calc(100vh-2rem)] w-[min(48rem,calc(100vw-2rem))] bg-zinc-900 p-5"
    >
      <div className="mt-3">
        <label htmlFor={`${id}-search`} className="mb-1 block text-sm font-medium text-zinc-300">
          Search
        </label>
        <input
          id={`${id}-search`}
          type="search"
          autoFocus
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Words from the prompt"
          className="w-full rounded-md border border-zinc-700 bg-zinc-950 px-3 py-1.5 text-zinc-100 placeholder:text-zinc-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        />
      </div>
      <p role="status" aria-live="polite" className="mt-3 text-xs text-zinc-400">
        {chosen} of {attachments.max} images chosen for the next message.
      </p>
      {refusal && (
        <p role="alert" className="mt-2 rounded-md border border-amber-500/50 bg-amber-950/30 p-2 text-amber-200">
          {refusal}
        </p>
      )}
      <div className="mt-3 max-h-[50vh] overflow-y-auto">
        {query.isPending ? (
          <p className="text-zinc-400">Loading your recent images…</p>
        ) : query.isError ? (
          <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-red-200">
            <p>Your history could not be loaded: {query.error.message}</p>
            <p className="mt-1 font-mono text-xs text-red-300/80">{query.error instanceof AgentRequestError ? query.error.code : "unknown_error"}</p>
          </div>
        ) : picks.length === 0 ? (
          <p className="text-zinc-400">{q ? "No finished image matches that search." : "No finished images yet: make some on the studio page first."}</p>
        ) : (
          <ul aria-label="Recent images" aria-busy={query.isPlaceholderData || undefined} className="grid grid-cols-3 gap-2 sm:grid-cols-4 md:grid-cols-6">
            {picks.map((pick) => {
              const picked = attachments.pickedIds.has(pick.image.id);
              return (
                <li key={pick.generationId}>
                  <button
                    type="button"
                    aria-pressed={picked}
                    aria-label={pickLabel(pick.prompt)}
                    title={pick.prompt}
                    onClick={() => setRefusal(attachments.togglePick(pick.image, "history"))}
                    className="relative block w-full overflow-hidden rounded-md border border-zinc-700 hover:border-zinc-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 aria-pressed:border-sky-500 aria-pressed:ring-2 aria-pressed:ring-sky-500"
                  >
                    <img src={pick.image.thumbUrl} alt="" width={pick.image.width} height={pick.image.height} loading="lazy" className="aspect-square w-full object-cover" />
                    {picked && (
                      <span aria-hidden="true" className="absolute top-1 right-1 rounded bg-sky-600 px-1 text-xs font-semibold text-white">
                        ✓
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <div className="mt-5 flex justify-end">
        <button
          type="button"
          onClick={onClose}
          className="rounded-md bg-sky-600 px-4 py-1.5 font-medium text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300"
        >
          Done
        </button>
      </div>
    </ModalDialog>
  );
}

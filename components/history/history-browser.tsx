"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { hasFilters } from "./filters";
import { HistoryFilterBar } from "./history-filters";
import { HistoryGrid } from "./history-grid";
import { ListStatus } from "./list-status";
import { SelectionToolbar } from "./selection-toolbar";
import { useBulkActions } from "./use-bulk-actions";
import { useHistoryFilters } from "./use-history-filters";
import { useHistoryQuery } from "./use-history-query";
import { useSelection } from "./use-selection";

/** The history page's client: filters in the URL, the virtualised grid, selection and bulk actions. */
export function HistoryBrowser() {
  const { filters, query, searchText, setSearchText, setFilter, clear } = useHistoryFilters();
  const { result, items } = useHistoryQuery(query);
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage, refetch, error, isPending } = result;
  const order = useRef<readonly string[]>([]);
  useEffect(() => {
    order.current = items.map((item) => item.id);
  }, [items]);
  const { selection, select, clear: clearSelection, remove } = useSelection(
    query,
    useCallback(() => order.current, []),
  );
  const [confirming, setConfirming] = useState(false);
  const bulk = useBulkActions(({ action, result: done }) => {
    if (action === "delete") remove(done.done);
  });

  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage && !isFetchNextPageError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  useEscapeClears(selection.ids.size > 0, clearSelection);

  const ids = [...selection.ids];
  const retry = () => void (isFetchNextPageError ? fetchNextPage() : refetch());
  return (
    <div className="mt-4">
      <HistoryFilterBar filters={filters} searchText={searchText} onSearchText={setSearchText} onFilter={setFilter} onClear={clear} canClear={hasFilters(filters) || searchText.trim() !== ""} />
      <div className="mt-6">
        <HistoryGrid items={items} selected={selection.ids} onSelect={select} onNearEnd={onNearEnd} />
        <ListStatus
          loading={isPending}
          loadingMore={isFetchingNextPage}
          count={items.length}
          hasMore={hasNextPage}
          filtered={hasFilters(filters)}
          error={error ? error.message : null}
          onRetry={retry}
        />
      </div>
      {/* Fixed, so showing it never moves the grid under the pointer. */}
      <div className="pointer-events-none fixed inset-x-0 bottom-4 z-20 flex flex-col items-center gap-2 px-4">
        {ids.length > 0 && (
          <div className="pointer-events-auto">
            <SelectionToolbar
              ids={ids}
              busy={bulk.pending}
              onFavorite={(favorite) => bulk.run(favorite ? "favorite" : "unfavorite", ids)}
              onDelete={() => setConfirming(true)}
              onClear={clearSelection}
            />
          </div>
        )}
        {bulk.error && (
          <p role="alert" className="pointer-events-auto rounded-md border border-red-500/60 bg-red-950/90 px-3 py-1.5 text-sm text-red-200">
            {bulk.error}
          </p>
        )}
        <p role="status" className={`rounded-md bg-zinc-900/95 text-sm text-zinc-200 ${bulk.message ? "pointer-events-auto border border-zinc-700 px-3 py-1.5" : ""}`}>
          {bulk.pending ? "Working…" : bulk.message}
        </p>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${ids.length === 1 ? "this generation" : `these ${ids.length} generations`}?`}
          confirmLabel="Delete"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            bulk.run("delete", ids);
          }}
        >
          Their images are removed too, with every file no other generation still uses; this cannot be undone. Generations still queued or
          running are skipped.
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Esc anywhere clears the selection, except where Esc already means something (a dialog, a field). */
function useEscapeClears(active: boolean, clearSelection: () => void) {
  const latest = useRef(clearSelection);
  useEffect(() => {
    latest.current = clearSelection;
  });
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
      const target = event.target as HTMLElement | null;
      if (target?.matches("input:not([type=checkbox]), select, textarea")) return;
      latest.current();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [active]);
}

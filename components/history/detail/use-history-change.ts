"use client";

import { QueryClientContext } from "@tanstack/react-query";
import { useCallback, useContext } from "react";
import { isFavoritesOnly } from "@/components/history/filters";
import type { BulkAction } from "@/components/history/history-api";
import { applyBulk, type HistoryData } from "@/components/history/history-cache";
import { HISTORY_KEY } from "@/components/history/use-history-query";

/**
 * After a change made here, the history lists cached in the browser (app/history/layout.tsx
 * shares one cache with the grid) show it at once, as the grid's own bulk actions do, and are
 * marked stale so the grid checks with the server when it is next shown. Read through the
 * context, not useQueryClient(): the page works with no query client above it.
 */
export function useHistoryChange(): (action: BulkAction, id: string) => void {
  const client = useContext(QueryClientContext);
  return useCallback(
    (action: BulkAction, id: string) => {
      if (!client) return;
      const done = new Set([id]);
      for (const [key, data] of client.getQueriesData<HistoryData>({ queryKey: HISTORY_KEY })) {
        if (!data) continue;
        const query = typeof key[2] === "string" ? key[2] : "";
        client.setQueryData<HistoryData>(key, applyBulk(data, action, done, isFavoritesOnly(new URLSearchParams(query).get("favorite"))));
      }
      void client.invalidateQueries({ queryKey: HISTORY_KEY, refetchType: "none" });
    },
    [client],
  );
}

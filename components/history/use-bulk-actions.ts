"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { bulkMessage } from "./bulk-message";
import { isFavoritesOnly } from "./filters";
import { runBulk, type BulkAction, type BulkResult } from "./history-api";
import { applyBulk, type HistoryData } from "./history-cache";
import { HISTORY_KEY } from "./use-history-query";

type Outcome = { action: BulkAction; result: BulkResult };

/**
 * Favourite, unfavourite or delete the selected generations, then change the loaded lists in
 * place (refetching 10,000 loaded items page by page would take a while) and mark every cached
 * list stale, so another filter's view is fetched afresh when it is next shown.
 */
export function useBulkActions(onDone: (outcome: Outcome) => void) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async ({ action, ids }: { action: BulkAction; ids: string[] }): Promise<Outcome> => ({ action, result: await runBulk(action, ids) }),
    onSuccess: (outcome) => {
      const done = new Set(outcome.result.done);
      for (const [key, data] of queryClient.getQueriesData<HistoryData>({ queryKey: HISTORY_KEY })) {
        if (!data) continue;
        const query = typeof key[2] === "string" ? key[2] : "";
        const favoritesOnly = isFavoritesOnly(new URLSearchParams(query).get("favorite"));
        queryClient.setQueryData<HistoryData>(key, applyBulk(data, outcome.action, done, favoritesOnly));
      }
      void queryClient.invalidateQueries({ queryKey: HISTORY_KEY, refetchType: "none" });
      onDone(outcome);
    },
  });
  const message = mutation.isSuccess ? bulkMessage(mutation.data.action, mutation.data.result) : null;
  const error = mutation.isError ? `Could not finish: ${mutation.error.message}` : null;
  return { run: (action: BulkAction, ids: string[]) => mutation.mutate({ action, ids }), pending: mutation.isPending, message, error, reset: mutation.reset };
}

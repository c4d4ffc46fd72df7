"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { fetchHistoryPage, isClientError } from "./history-api";

/** Every cached history list starts with this key; the detail page may invalidate it after a change. */
export const HISTORY_KEY = ["history", "list"] as const;
export const historyKey = (query: string) => [...HISTORY_KEY, query] as const;

/** The history for a filters query string, page by page (keyset cursors), newest first. */
export function useHistoryQuery(query: string) {
  const result = useInfiniteQuery({
    queryKey: historyKey(query),
    queryFn: ({ pageParam, signal }) => fetchHistoryPage(query, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // A 400 names a bad filter: asking again cannot help.
    retry: (failures, error) => failures < 1 && !isClientError(error),
  });
  const { data } = result;
  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data]);
  return { result, items };
}

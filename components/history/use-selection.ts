"use client";

import { useCallback, useState } from "react";
import { clickSelect, NO_SELECTION, withoutIds, type Selection } from "./selection";

/**
 * The selection, which belongs to the list it was made in: once the filters change it is empty,
 * so "N selected" never counts items out of sight.
 */
export function useSelection(query: string, order: () => readonly string[]) {
  const [state, setState] = useState<{ query: string; selection: Selection }>({ query, selection: NO_SELECTION });
  const selection = state.query === query ? state.selection : NO_SELECTION;
  const update = useCallback(
    (change: (current: Selection) => Selection) =>
      setState((previous) => ({ query, selection: change(previous.query === query ? previous.selection : NO_SELECTION) })),
    [query],
  );
  const select = useCallback((id: string, range: boolean) => update((current) => clickSelect(current, order(), id, range)), [update, order]);
  const clear = useCallback(() => update(() => NO_SELECTION), [update]);
  const remove = useCallback((ids: readonly string[]) => update((current) => withoutIds(current, ids)), [update]);
  return { selection, select, clear, remove };
}

/**
 * Which generations of the grid are selected, and the anchor a shift-click extends from. Pure, so
 * the rules of click, shift-click and Ctrl/Cmd-click are tested without a browser.
 */
export type Selection = { readonly ids: ReadonlySet<string>; readonly anchor: string | null };

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

/** A plain or Ctrl/Cmd click: flips one, which becomes the anchor. */
export function toggle(selection: Selection, id: string): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * A shift-click: every item from the anchor to `id` (in grid order) takes the anchor's state, so
 * shift-clicking after a deselect clears the range. Without an anchor still in the grid, it toggles.
 */
export function selectRange(selection: Selection, order: readonly string[], id: string): Selection {
  const { anchor } = selection;
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(id);
  if (anchor === null || from < 0 || to < 0) return toggle(selection, id);
  const select = selection.ids.has(anchor);
  const ids = new Set(selection.ids);
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
    const each = order[i] as string;
    if (select) ids.add(each);
    else ids.delete(each);
  }
  return { ids, anchor: id };
}

export function clickSelect(selection: Selection, order: readonly string[], id: string, range: boolean): Selection {
  return range ? selectRange(selection, order, id) : toggle(selection, id);
}

/** After a delete: the ids that are gone leave the selection (and the anchor, if it was one). */
export function withoutIds(selection: Selection, removed: Iterable<string>): Selection {
  const gone = new Set(removed);
  const ids = new Set([...selection.ids].filter((id) => !gone.has(id)));
  return { ids, anchor: selection.anchor !== null && gone.has(selection.anchor) ? null : selection.anchor };
}

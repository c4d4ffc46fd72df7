import type { InfiniteData } from "@tanstack/react-query";
import type { BulkAction, HistoryPage } from "./history-api";

export type HistoryData = InfiniteData<HistoryPage, string | null>;

/**
 * A loaded history after a bulk action, without refetching every page: deleted items go, a
 * favourite flips (and an unfavourited one leaves a favourites-only view). Pages and items that
 * did not change keep their identity, so their tiles do not re-render.
 */
export function applyBulk(data: HistoryData, action: BulkAction, done: ReadonlySet<string>, favoritesOnly: boolean): HistoryData {
  if (done.size === 0) return data;
  const removes = action === "delete" || (action === "unfavorite" && favoritesOnly);
  const favorite = action === "favorite";
  const pages = data.pages.map((page) => {
    if (!page.items.some((item) => done.has(item.id))) return page;
    const items = removes
      ? page.items.filter((item) => !done.has(item.id))
      : page.items.map((item) => (done.has(item.id) && item.favorite !== favorite ? { ...item, favorite } : item));
    return { ...page, items };
  });
  return { ...data, pages };
}

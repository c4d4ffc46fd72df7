"use client";

import type { useRouter } from "next/navigation";

type Router = ReturnType<typeof useRouter>;
type NavigationEntries = { currentEntry: { index: number } | null; entries: () => { url: string | null }[] };

/**
 * Leaves the detail page for the grid: back, when the page before this one in the tab was the
 * grid (so its filters and scroll position come back), else to a fresh `/history`.
 */
export function closeToHistory(router: Router): void {
  if (previousIsHistory()) router.back();
  else router.push("/history");
}

/**
 * The Navigation API (Chromium) knows the tab's previous entry, client-side navigations included;
 * `document.referrer` only knows the page of the last full load, so it is the fallback, and only
 * when the tab has somewhere to go back to.
 */
function previousIsHistory(): boolean {
  const navigation = (window as unknown as { navigation?: NavigationEntries }).navigation;
  if (navigation?.currentEntry) {
    const previous = navigation.entries()[navigation.currentEntry.index - 1];
    return isHistoryUrl(previous?.url ?? null);
  }
  return window.history.length > 1 && isHistoryUrl(document.referrer);
}

function isHistoryUrl(url: string | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.origin === window.location.origin && parsed.pathname === "/history";
  } catch {
    return false;
  }
}

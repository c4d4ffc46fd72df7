"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { EMPTY_FILTERS, filtersFromParams, filtersToQuery, type FilterKey } from "./filters";

export const SEARCH_DELAY_MS = 250;

/**
 * The filters, kept in the URL so a view can be shared and survives a reload. The search box has
 * its own state (typing is never held up) and reaches the filters 250 ms after the last keystroke.
 * The URL is written with history.replaceState, which Next.js folds into its router: no server
 * round trip per keystroke. A change of URL from outside (the header's History link, back and
 * forward) wins over the state.
 *
 * The state starts from the live URL, not from the server's render of the page: coming back to
 * a history entry that replaceState changed, Next.js may show its cached render of the URL as
 * first loaded.
 */
export function useHistoryFilters() {
  const urlQuery = useSearchParams().toString();
  const [filters, setFilters] = useState(() => filtersFromParams(new URLSearchParams(urlQuery)));
  const [searchText, setSearchText] = useState(filters.q);
  const query = filtersToQuery(filters).toString();
  const seen = useRef(urlQuery);
  /** What we wrote that the router has not echoed yet; it may fold several writes into one. */
  const written = useRef<string[]>([]);

  useEffect(() => {
    if (urlQuery === seen.current) return;
    seen.current = urlQuery;
    const echoed = written.current.indexOf(urlQuery);
    if (echoed >= 0) {
      written.current.splice(0, echoed + 1);
      return;
    }
    written.current = [];
    const next = filtersFromParams(new URLSearchParams(urlQuery));
    setFilters(next);
    setSearchText(next.q);
  }, [urlQuery]);

  useEffect(() => {
    const inUrl = filtersToQuery(filtersFromParams(new URLSearchParams(window.location.search))).toString();
    if (inUrl === query) return;
    written.current.push(query);
    window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  }, [query]);

  useEffect(() => {
    if (searchText === filters.q) return;
    const timer = setTimeout(() => setFilters((current) => ({ ...current, q: searchText })), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText, filters.q]);

  const setFilter = (key: Exclude<FilterKey, "q">, value: string) => setFilters((current) => ({ ...current, [key]: value }));
  const clear = () => {
    setFilters(EMPTY_FILTERS);
    setSearchText("");
  };
  return { filters, query, searchText, setSearchText, setFilter, clear };
}

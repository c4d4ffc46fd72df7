import { GENERATION_STATUSES } from "@/lib/generations/events";
import { FORMATS, MODELS, QUALITIES } from "@/lib/generations/request-schema";
import { SIZE_PRESETS } from "@/lib/images/size-rules";

/**
 * The history view's filters as they stand in the URL and go to `GET /api/generations`, named as
 * the API names them. Values are kept as typed, even ones the API refuses (`status=exploded`):
 * the API's 400 then says what is wrong, rather than the page quietly dropping it.
 * Shared by the server page (initial filters) and the browser.
 */
export const FILTER_KEYS = ["q", "model", "size", "quality", "format", "status", "favorite", "from", "to"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type HistoryFilters = Record<FilterKey, string>;

export const EMPTY_FILTERS: HistoryFilters = { q: "", model: "", size: "", quality: "", format: "", status: "", favorite: "", from: "", to: "" };

export const FILTER_OPTIONS = {
  model: MODELS,
  size: ["auto", ...SIZE_PRESETS],
  quality: QUALITIES,
  format: FORMATS,
  status: ["done", "failed", "cancelled", "running", "queued"] satisfies readonly (typeof GENERATION_STATUSES)[number][],
} as const;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function first(source: ParamSource, key: string): string {
  if (source instanceof URLSearchParams) return source.get(key) ?? "";
  const value = source[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export function filtersFromParams(source: ParamSource): HistoryFilters {
  const filters = { ...EMPTY_FILTERS };
  for (const key of FILTER_KEYS) filters[key] = first(source, key);
  return filters;
}

/** The query string for both the page's URL and the API: only what is set, in a fixed order. */
export function filtersToQuery(filters: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = key === "q" ? filters.q.trim() : filters[key];
    if (value !== "") params.set(key, value);
  }
  return params;
}

export const hasFilters = (filters: HistoryFilters) => filtersToQuery(filters).size > 0;

/** The API reads `favorite` as true/false/1/0; only a true value shows as a ticked box. */
export const isFavoritesOnly = (value: string | null | undefined) => value === "true" || value === "1";

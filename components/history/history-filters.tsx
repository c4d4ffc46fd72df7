"use client";

import { controlClass } from "@/components/studio/field";
import { FILTER_OPTIONS, isFavoritesOnly, type FilterKey, type HistoryFilters } from "./filters";

type HistoryFiltersProps = {
  filters: HistoryFilters;
  searchText: string;
  onSearchText: (text: string) => void;
  onFilter: (key: Exclude<FilterKey, "q">, value: string) => void;
  onClear: () => void;
  canClear: boolean;
};

const SELECTS: { key: keyof typeof FILTER_OPTIONS; label: string }[] = [
  { key: "model", label: "Model" },
  { key: "size", label: "Size" },
  { key: "quality", label: "Quality" },
  { key: "format", label: "Format" },
  { key: "status", label: "Status" },
];

const labelClass = "mb-1 block text-sm font-medium text-zinc-300";

/** Search, the filters and Clear filters; what they hold is the URL's (use-history-filters). */
export function HistoryFilterBar({ filters, searchText, onSearchText, onFilter, onClear, canClear }: HistoryFiltersProps) {
  return (
    <form role="search" aria-label="Filters" className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" onSubmit={(e) => e.preventDefault()}>
      <div className="col-span-2 sm:col-span-4 lg:col-span-2">
        <label htmlFor="history-q" className={labelClass}>
          Search
        </label>
        <input id="history-q" type="search" className={controlClass} placeholder="Words in the prompt" value={searchText} onChange={(e) => onSearchText(e.target.value)} />
      </div>
      {SELECTS.map(({ key, label }) => (
        <FilterSelect key={key} id={`history-${key}`} label={label} options={FILTER_OPTIONS[key]} value={filters[key]} onChange={(value) => onFilter(key, value)} />
      ))}
      <DateInput id="history-from" label="From" value={filters.from} onChange={(value) => onFilter("from", value)} />
      <DateInput id="history-to" label="To" value={filters.to} onChange={(value) => onFilter("to", value)} />
      <div className="col-span-2 flex items-end gap-4 lg:col-span-3">
        <label className="flex items-center gap-2 pb-2 text-sm text-zinc-300">
          <input type="checkbox" className="size-4 accent-sky-500" checked={isFavoritesOnly(filters.favorite)} onChange={(e) => onFilter("favorite", e.target.checked ? "true" : "")} />
          Favorites only
        </label>
        <button
          type="button"
          onClick={onClear}
          disabled={!canClear}
          className="mb-0.5 rounded-md border border-zinc-700 px-3 py-1.5 text-sm text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50"
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

type FilterSelectProps = { id: string; label: string; options: readonly string[]; value: string; onChange: (value: string) => void };

/** A value from the URL that is not an option still shows (marked), so the select says what is asked. */
function FilterSelect({ id, label, options, value, onChange }: FilterSelectProps) {
  const unknown = value !== "" && !options.includes(value);
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select id={id} className={controlClass} value={value} aria-invalid={unknown || undefined} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
        {unknown && <option value={value}>{`${value} (not known)`}</option>}
      </select>
    </div>
  );
}

type DateInputProps = { id: string; label: string; value: string; onChange: (value: string) => void };

function DateInput({ id, label, value, onChange }: DateInputProps) {
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      {/* A date-time from a shared URL cannot show in a date input; it still filters, and Clear filters removes it. */}
      <input id={id} type="date" className={`${controlClass} [color-scheme:dark]`} value={/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : ""} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

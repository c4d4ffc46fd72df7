type ListStatusProps = {
  loading: boolean;
  loadingMore: boolean;
  count: number;
  hasMore: boolean;
  filtered: boolean;
  error: string | null;
  onRetry: () => void;
};

/** Under the grid: what is loading, that the list has ended, or why a page failed (with Retry). */
export function ListStatus({ loading, loadingMore, count, hasMore, filtered, error, onRetry }: ListStatusProps) {
  const status = loading
    ? "Loading history…"
    : loadingMore
      ? "Loading more…"
      : error || hasMore
        ? ""
        : count === 0
          ? filtered
            ? "No generations match these filters."
            : "No generations yet: make one in the Studio."
          : `End of history: ${count.toLocaleString("en-US")} ${count === 1 ? "generation" : "generations"}.`;
  return (
    <div className="mt-4 space-y-3">
      {error && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-md border border-red-500/60 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          <p className="flex-1">{error}</p>
          <button
            type="button"
            onClick={onRetry}
            className="rounded-md border border-red-400/60 px-3 py-1 text-sm text-red-100 hover:bg-red-900/60 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-300"
          >
            Retry
          </button>
        </div>
      )}
      <p role="status" className="min-h-5 text-center text-sm text-zinc-400">
        {status}
      </p>
    </div>
  );
}

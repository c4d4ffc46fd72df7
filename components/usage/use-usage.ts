import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UsageTotals } from "@/lib/usage/groups";

/** The period and grouping as the URL holds them (`?from=&to=&groupBy=`); empty means the API's default. */
export type UsageParams = { from: string; to: string; groupBy: string };

/**
 * The view's controls, mirrored into the URL without a navigation (as the studio does with `?g=`),
 * so a reload or a shared link shows the same view and no server render runs per change.
 */
export function useUsageParams(initial: UsageParams) {
  const [params, setParams] = useState(initial);
  function update(patch: Partial<UsageParams>) {
    const next = { ...params, ...patch };
    setParams(next);
    const url = new URL(window.location.href);
    for (const [name, value] of Object.entries(next)) {
      if (value) url.searchParams.set(name, value);
      else url.searchParams.delete(name);
    }
    window.history.replaceState(window.history.state, "", url);
  }
  return [params, update] as const;
}

/** The API's query string for these params (`group` is its name for `groupBy`). */
export function usageSearch(params: UsageParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  if (params.from) search.set("from", params.from);
  if (params.to) search.set("to", params.to);
  if (params.groupBy) search.set("group", params.groupBy);
  for (const [name, value] of Object.entries(extra)) search.set(name, value);
  return search.toString();
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function fetchUsage(params: UsageParams, signal: AbortSignal): Promise<UsageTotals> {
  const res = await fetch(`/api/usage?${usageSearch(params)}`, { signal, headers: { accept: "application/json" } });
  const body = (await res.json().catch(() => null)) as (UsageTotals & { error?: { message?: string } }) | null;
  if (!res.ok) throw new UsageError(body?.error?.message ?? `The usage totals could not be loaded (HTTP ${res.status})`, res.status);
  if (!body) throw new UsageError("The usage totals could not be read", res.status);
  return body;
}

/** Totals for the period; the previous view stays on screen while the next loads. A 4xx is not retried. */
export function useUsageTotals(params: UsageParams) {
  return useQuery({
    queryKey: ["usage", params.from, params.to, params.groupBy],
    queryFn: ({ signal }) => fetchUsage(params, signal),
    placeholderData: keepPreviousData,
    retry: (failures, error) => !(error instanceof UsageError && error.status < 500) && failures < 1,
  });
}

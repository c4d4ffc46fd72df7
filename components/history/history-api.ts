import type { HistoryItem } from "@/lib/db/history-list";

/** The browser's side of the history endpoints: list pages and bulk actions, errors as the API words them. */
export type { HistoryItem };
export type HistoryPage = { items: HistoryItem[]; nextCursor: string | null };
export type BulkAction = "favorite" | "unfavorite" | "delete";
export type BulkResult = { done: string[]; skipped: { id: string; code: string; message: string }[] };

export const PAGE_SIZE = 60;
/** What one archive or bulk request takes (lib/history/ids.ts). */
export const MAX_IDS = 500;

export class RequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

export const isClientError = (error: unknown) => error instanceof RequestError && error.status >= 400 && error.status < 500;

async function send<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    if (init.signal?.aborted) throw error; // a cancelled query, not a failure to show
    throw new RequestError("The studio could not reach the server; check the connection and try again", 0);
  }
  if (!response.ok) throw new RequestError(await messageOf(response), response.status);
  return (await response.json()) as T;
}

async function messageOf(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  const error = body && typeof body === "object" && "error" in body ? (body as { error?: { message?: unknown } }).error : undefined;
  return typeof error?.message === "string" && error.message ? error.message : `The server answered ${response.status} ${response.statusText}`.trim();
}

/** One page of `query` (a filters query string), after `cursor` when given. */
export function fetchHistoryPage(query: string, cursor: string | null, signal?: AbortSignal): Promise<HistoryPage> {
  const params = new URLSearchParams(query);
  params.set("limit", String(PAGE_SIZE));
  if (cursor) params.set("cursor", cursor);
  return send<HistoryPage>(`/api/generations?${params}`, { signal });
}

/** Runs a bulk action in requests of at most MAX_IDS, and adds up what each did and skipped. */
export async function runBulk(action: BulkAction, ids: readonly string[]): Promise<BulkResult> {
  const result: BulkResult = { done: [], skipped: [] };
  for (let start = 0; start < ids.length; start += MAX_IDS) {
    const part = await send<BulkResult>("/api/generations/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action, ids: ids.slice(start, start + MAX_IDS) }),
    });
    result.done.push(...part.done);
    result.skipped.push(...part.skipped);
  }
  return result;
}

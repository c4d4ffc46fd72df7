import type { BulkAction, BulkResult } from "./history-api";

const DONE: Record<BulkAction, string> = { favorite: "Favorited", unfavorite: "Unfavorited", delete: "Deleted" };

const generations = (n: number) => `${n} ${n === 1 ? "generation" : "generations"}`;

/** What a bulk action did, for the status line: the skipped ones grouped by their reason. */
export function bulkMessage(action: BulkAction, result: BulkResult): string {
  const parts = [`${DONE[action]} ${generations(result.done.length)}.`];
  const reasons = new Map<string, number>();
  for (const { message } of result.skipped) reasons.set(message, (reasons.get(message) ?? 0) + 1);
  for (const [message, count] of reasons) parts.push(`Skipped ${count}: ${message.replace(/\.?$/, ".")}`);
  return parts.join(" ");
}

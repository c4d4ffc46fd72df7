import { Suspense } from "react";
import { HistoryBrowser } from "@/components/history/history-browser";

/**
 * Rendered per request, so the browser component's useSearchParams has the filters of the URL
 * on the server too (the Suspense boundary is what Next.js asks of it were the page prerendered).
 */
export const dynamic = "force-dynamic";

export default function HistoryPage() {
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 pb-28 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight">History</h1>
      <Suspense fallback={<p className="mt-4 text-sm text-zinc-400">Loading history…</p>}>
        <HistoryBrowser />
      </Suspense>
    </main>
  );
}

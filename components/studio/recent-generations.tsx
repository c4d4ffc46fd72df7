import Link from "next/link";
import { listGenerations, type HistoryItem } from "@/lib/db/history-list";

/**
 * The person's latest generations under the result, newest first, each opening its detail page.
 * Rendered on the server (no list code in `/`'s JavaScript); the studio refreshes it when a
 * generation ends.
 */
const SHOWN = 12;

export async function RecentGenerations({ ownerId }: { ownerId: string }) {
  const { items } = await listGenerations(ownerId, new URLSearchParams({ limit: String(SHOWN) }));
  if (items.length === 0) return null;
  return (
    <section className="mt-8" aria-labelledby="recent-heading">
      <div className="mb-2 flex items-baseline justify-between">
        <h2 id="recent-heading" className="text-sm font-medium text-zinc-300">
          Recent generations
        </h2>
        <Link href="/history" className="text-xs text-sky-400 hover:underline">
          All history →
        </Link>
      </div>
      <ul aria-label="Recent generations" className="flex gap-2 overflow-x-auto pb-2">
        {items.map((item) => (
          <li key={item.id} className="shrink-0">
            <Link
              href={`/history/${item.id}`}
              className="block size-20 overflow-hidden rounded-md border border-zinc-800 bg-zinc-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
              title={item.prompt}
            >
              <Thumb item={item} />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Thumb({ item }: { item: HistoryItem }) {
  const alt = item.prompt.length > 100 ? `${item.prompt.slice(0, 99)}…` : item.prompt;
  if (item.cover) {
    // eslint-disable-next-line @next/next/no-img-element -- our own immutable thumbnails; next/image would re-encode them
    return <img src={item.cover.thumbUrl} alt={alt} width={80} height={80} loading="lazy" decoding="async" className="size-full object-cover" />;
  }
  return (
    <span className="flex size-full items-center justify-center p-1 text-center text-[10px] leading-tight text-zinc-400">
      <span className="sr-only">{alt}: </span>
      {item.status}
    </span>
  );
}

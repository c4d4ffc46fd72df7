import Link from "next/link";

/** A malformed id, another person's generation and a deleted one all read the same: not here. */
export default function GenerationNotFound() {
  return (
    <main className="mx-auto max-w-7xl space-y-4 px-4 py-6 sm:px-6">
      <Link href="/history" className="inline-block rounded text-sm text-zinc-400 hover:text-zinc-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        ← History
      </Link>
      <h1 className="text-lg font-semibold tracking-tight">Generation not found</h1>
      <p className="text-sm text-zinc-400">There is no generation at this address: it may have been deleted, or the link is mistyped.</p>
    </main>
  );
}

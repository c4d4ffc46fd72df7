import { connection } from "next/server";
import { env } from "@/lib/env";
import { SiteNav } from "./site-nav";

/** On every page: which gateway the studio speaks to, and a warning when anyone on the network can use it. */
export async function SiteHeader() {
  await connection(); // the server's settings are read per request, never frozen into a build
  const { gateway, exposed } = env();
  return (
    <header className="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 pt-6 sm:px-6">
      <p className="text-xl font-semibold tracking-tight">Image Studio</p>
      <SiteNav />
      {gateway.isSimulator ? (
        <p role="note" className="rounded-full border border-amber-500/60 bg-amber-500/15 px-3 py-1 text-xs font-medium text-amber-200">
          Local simulator — not the real gateway
        </p>
      ) : (
        <p className="rounded-full border border-zinc-700 px-3 py-1 text-xs text-zinc-400">
          <span className="sr-only">Gateway: </span>
          {gateway.label}
        </p>
      )}
      {exposed && (
        <p role="note" className="w-full rounded-md border border-red-500/60 bg-red-950/50 px-3 py-2 text-sm text-red-200">
          Open to the network without sign-in: anyone who can reach this address can spend the gateway key and see every prompt and image.
        </p>
      )}
    </header>
  );
}

import { Studio } from "@/components/studio/studio";
import { currentUserId } from "@/lib/auth/current-user";
import { latestActiveGeneration } from "@/lib/db/generations";
import { env } from "@/lib/env";

/** Reads server settings on every request; nothing here is worth prerendering. */
export const dynamic = "force-dynamic";

const GENERATION_ID = /^[0-9a-f-]{36}$/i;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function StudioPage({ searchParams }: { searchParams: SearchParams }) {
  const { g } = await searchParams;
  // Without ?g=, a person coming back finds the generation still running for them.
  const generationId = typeof g === "string" && GENERATION_ID.test(g) ? g : await latestActiveGeneration(await currentUserId());
  const settings = env();
  const { label, isSimulator } = settings.gateway;
  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <header className="mb-6 flex flex-wrap items-center justify-between gap-4">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold tracking-tight">Image Studio</h1>
          {isSimulator ? (
            <p role="note" className="rounded-full border border-amber-500/60 bg-amber-500/15 px-3 py-1 text-xs font-medium text-amber-200">
              Local simulator — not the real gateway
            </p>
          ) : (
            <p className="rounded-full border border-zinc-700 px-3 py-1 text-xs text-zinc-400">
              <span className="sr-only">Gateway: </span>
              {label}
            </p>
          )}
        </div>
      </header>
      <main>
        <Studio initialGenerationId={generationId} allowTransparent={settings.ALLOW_TRANSPARENT_BACKGROUND} />
      </main>
    </div>
  );
}

import { RecentGenerations } from "@/components/studio/recent-generations";
import { Studio } from "@/components/studio/studio";
import { currentUserId } from "@/lib/auth/current-user";
import { latestActiveGeneration } from "@/lib/db/generations";
import { env } from "@/lib/env";
import { isUuid } from "@/lib/validation/uuid";

/** Reads server settings on every request; nothing here is worth prerendering. */
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function StudioPage({ searchParams }: { searchParams: SearchParams }) {
  const { g } = await searchParams;
  const ownerId = await currentUserId();
  // Without ?g=, a person coming back finds the generation still running for them.
  const generationId = isUuid(g) ? g.toLowerCase() : await latestActiveGeneration(ownerId);
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <h1 className="sr-only">Studio</h1>
      <Studio initialGenerationId={generationId} allowTransparent={env().ALLOW_TRANSPARENT_BACKGROUND} recent={<RecentGenerations ownerId={ownerId} />} />
    </main>
  );
}

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
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <h1 className="sr-only">Studio</h1>
      <Studio initialGenerationId={generationId} allowTransparent={env().ALLOW_TRANSPARENT_BACKGROUND} />
    </main>
  );
}

import type { Metadata } from "next";
import { AgentWorkspace } from "@/components/agent/agent-workspace";
import { env } from "@/lib/env";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS } from "@/lib/uploads/check-image";

/** Conversations change with every turn; nothing here is worth prerendering. */
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Agent · Image Studio" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Conversations with a text model that calls the image tool. `?c=<id>` opens one; a bad or
 * foreign id goes to the API as it is, which says what is wrong with it.
 */
export default async function AgentPage({ searchParams }: { searchParams: SearchParams }) {
  const conversationId = one((await searchParams).c)?.trim() || null;
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <h1 className="mb-4 text-2xl font-semibold tracking-tight">Agent</h1>
      <AgentWorkspace
        conversationId={conversationId}
        allowTransparent={env().ALLOW_TRANSPARENT_BACKGROUND}
        limits={{ maxBytes: MAX_UPLOAD_BYTES, maxPixels: MAX_UPLOAD_PIXELS }}
      />
    </main>
  );
}

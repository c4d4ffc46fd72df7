"use client";

import { useRouter } from "next/navigation";
import { useCallback, useRef, useState, type ReactNode } from "react";
import type { Asked } from "@/components/studio/form-values";
import { GenerationForm } from "@/components/studio/generation-form";
import { GenerationView } from "@/components/studio/generation-view";

type StudioProps = {
  /** A generation to reattach to, from `?g=` on load. */
  initialGenerationId: string | null;
  allowTransparent: boolean;
  /** The recent-generations strip, rendered on the server under the result. */
  recent?: ReactNode;
};

type Current = { id: string; asked: Asked | null };

/** The studio: settings on the left, the generation being followed on the right. */
export function Studio({ initialGenerationId, allowTransparent, recent }: StudioProps) {
  const [current, setCurrent] = useState<Current | null>(initialGenerationId ? { id: initialGenerationId, asked: null } : null);
  const [ends, setEnds] = useState(0);
  const results = useRef<HTMLDivElement>(null);
  const router = useRouter();
  // A generation that ends joins the recent strip (server-rendered) and moves the estimate.
  const ended = useCallback(() => {
    setEnds((n) => n + 1);
    router.refresh();
  }, [router]);

  function follow(id: string, asked: Asked) {
    // The id goes in the URL without a navigation, so a reload reattaches to the same stream.
    const url = new URL(window.location.href);
    url.searchParams.set("g", id);
    window.history.replaceState(null, "", url);
    setCurrent({ id, asked });
    if (window.matchMedia("(max-width: 1023px)").matches) results.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[380px_minmax(0,1fr)]">
      <div className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-5 lg:self-start">
        <GenerationForm allowTransparent={allowTransparent} onStarted={follow} estimateKey={ends} />
      </div>
      <div ref={results} className="min-w-0 scroll-mt-4">
        {current ? (
          <GenerationView key={current.id} id={current.id} asked={current.asked} onEnd={ended} />
        ) : (
          <div className="flex min-h-64 items-center justify-center rounded-xl border border-dashed border-zinc-800 p-8 text-center text-sm text-zinc-500">
            Describe an image and press Generate; previews appear here as they are drawn.
          </div>
        )}
        {recent}
      </div>
    </div>
  );
}

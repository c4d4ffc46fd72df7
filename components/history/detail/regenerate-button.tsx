"use client";

import { unstable_rethrow } from "next/navigation";
import { useTransition } from "react";
import { regenerate } from "@/app/history/[id]/actions";
import { unreachable, type Problem } from "@/components/history/detail/problem";

/** Starts a new generation with the same parameters; the action sends the browser to follow it. */
export function RegenerateButton({ id, onProblem, className }: { id: string; onProblem: (problem: Problem | null) => void; className: string }) {
  const [pending, startTransition] = useTransition();
  const run = () =>
    startTransition(async () => {
      onProblem(null);
      try {
        const result = await regenerate(id);
        if (!result.ok) onProblem(result.error);
      } catch (error) {
        unstable_rethrow(error); // the redirect to the new generation arrives as a thrown error
        onProblem(unreachable("regenerate"));
      }
    });
  return (
    <button type="button" onClick={run} disabled={pending} aria-busy={pending} className={className}>
      Regenerate
    </button>
  );
}

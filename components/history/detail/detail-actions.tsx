"use client";

import Link from "next/link";
import { useState } from "react";
import { DeleteButton } from "@/components/history/detail/delete-button";
import { FavoriteButton } from "@/components/history/detail/favorite-button";
import type { Problem } from "@/components/history/detail/problem";
import { RegenerateButton } from "@/components/history/detail/regenerate-button";
import type { ViewerImage } from "@/components/history/detail/types";

type DetailActionsProps = { id: string; prompt: string; favorite: boolean; imageCount: number; shown: ViewerImage | null };

const action =
  "inline-flex items-center rounded-md border border-zinc-700 px-3 py-1.5 text-sm text-zinc-100 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-wait disabled:opacity-60";

/** What a person can do with the generation; one alert says why the last action failed. */
export function DetailActions({ id, prompt, favorite, imageCount, shown }: DetailActionsProps) {
  const [problem, setProblem] = useState<Problem | null>(null);
  return (
    <div className="space-y-2">
      <div role="toolbar" aria-label="Generation actions" className="flex flex-wrap items-center gap-2">
        {shown && (
          // The shown image in the mask editor; or as a reference there, with the image to edit still to choose.
          <>
            <Link href={`/edit?image=${shown.id}`} className={action}>
              Edit
            </Link>
            <Link href={`/edit?ref=${shown.id}`} className={action}>
              Use as reference
            </Link>
          </>
        )}
        <RegenerateButton id={id} onProblem={setProblem} className={action} />
        {shown && (
          // The server names the file (date, time, prompt); the attribute only says "save, do not open".
          <a href={`/api/images/${shown.id}?download=1`} download className={action}>
            Download
          </a>
        )}
        <FavoriteButton id={id} initial={favorite} onProblem={setProblem} className={action} />
        <DeleteButton id={id} prompt={prompt} imageCount={imageCount} onProblem={setProblem} className={action} />
      </div>
      {problem && (
        <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
          <p>{problem.message}</p>
          {problem.code && <p className="mt-1 font-mono text-xs text-red-300/80">{problem.code}</p>}
        </div>
      )}
    </div>
  );
}

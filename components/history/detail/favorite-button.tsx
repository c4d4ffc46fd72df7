"use client";

import { useRef, useState } from "react";
import { setFavorite } from "@/app/history/[id]/actions";
import { unreachable, type Problem } from "@/components/history/detail/problem";
import { useHistoryChange } from "@/components/history/detail/use-history-change";

type FavoriteButtonProps = { id: string; initial: boolean; onProblem: (problem: Problem | null) => void; className: string };

/** A toggle that flips at once and flips back, with the reason, if the server refuses. */
export function FavoriteButton({ id, initial, onProblem, className }: FavoriteButtonProps) {
  const [favorite, setShown] = useState(initial);
  const confirmed = useRef(initial);
  const latest = useRef(0);
  const changed = useHistoryChange();

  const toggle = () => {
    const next = !favorite;
    const ticket = ++latest.current;
    setShown(next);
    onProblem(null);
    const failed = (problem: Problem) => {
      // Only the newest click speaks for the button; an older one's failure is already overtaken.
      if (ticket !== latest.current) return;
      setShown(confirmed.current);
      onProblem(problem);
    };
    setFavorite(id, next).then(
      (result) => {
        if (!result.ok) return failed(result.error);
        confirmed.current = result.value.favorite;
        changed(result.value.favorite ? "favorite" : "unfavorite", id);
      },
      () => failed(unreachable("save the favourite")),
    );
  };

  return (
    <button type="button" aria-pressed={favorite} onClick={toggle} className={`${className} aria-pressed:border-amber-400 aria-pressed:text-amber-200`}>
      <span aria-hidden="true" className="mr-1.5">
        {favorite ? "★" : "☆"}
      </span>
      Favorite
    </button>
  );
}

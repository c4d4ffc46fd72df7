"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteGeneration } from "@/app/history/[id]/actions";
import { DeleteDialog } from "@/components/history/detail/delete-dialog";
import { unreachable, type Problem } from "@/components/history/detail/problem";
import { useHistoryChange } from "@/components/history/detail/use-history-change";

type DeleteButtonProps = { id: string; prompt: string; imageCount: number; onProblem: (problem: Problem | null) => void; className: string };

/** Asks first; once deleted, the detail page no longer exists, so the person lands on the grid. */
export function DeleteButton({ id, prompt, imageCount, onProblem, className }: DeleteButtonProps) {
  const [asking, setAsking] = useState(false);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const changed = useHistoryChange();

  const confirm = () =>
    startTransition(async () => {
      onProblem(null);
      const result = await deleteGeneration(id).catch(() => null);
      if (result?.ok) {
        changed("delete", id);
        router.push("/history");
        return;
      }
      setAsking(false);
      onProblem(result ? result.error : unreachable("delete"));
    });

  return (
    <>
      <button type="button" onClick={() => setAsking(true)} className={`${className} hover:border-red-500 hover:text-red-200`}>
        Delete
      </button>
      {asking && <DeleteDialog prompt={prompt} imageCount={imageCount} pending={pending} onConfirm={confirm} onCancel={() => setAsking(false)} />}
    </>
  );
}

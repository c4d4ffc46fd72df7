"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteGeneration } from "@/app/history/[id]/actions";
import { truncate } from "@/components/history/detail/format";
import { unreachable, type Problem } from "@/components/history/detail/problem";
import { useHistoryChange } from "@/components/history/detail/use-history-change";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

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
      {asking && (
        <ConfirmDialog title="Delete this generation?" confirmLabel="Delete" pending={pending} onConfirm={confirm} onCancel={() => setAsking(false)}>
          This removes the generation “{truncate(prompt, 100)}” with {imagesOf(imageCount)}, its attempts and its recorded events, and every image
          file no other generation still uses. It cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}

const imagesOf = (count: number) => (count === 0 ? "no stored images" : count === 1 ? "its image" : `its ${count} images`);

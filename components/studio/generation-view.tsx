"use client";

import { useEffect, useState, useTransition } from "react";
import { cancelGeneration } from "@/app/(studio)/actions";
import { GenerationFacts } from "@/components/studio/generation-facts";
import { FidelityNote } from "@/components/studio/fidelity-note";
import { finalImages, slotIndexes, type GenerationState } from "@/components/studio/generation-state";
import type { Asked } from "@/components/studio/form-values";
import { ImageSlotView } from "@/components/studio/image-slot";
import { useAsked } from "@/components/studio/use-asked";
import { useGeneration } from "@/components/studio/use-generation";
import type { ImageEvent } from "@/lib/generations/events";
import { resolveSize } from "@/lib/images/size-rules";

/** One generation as it happens: progress, cancel, the pictures, then what it cost. */
export function GenerationView({ id, asked: known, onEnd }: { id: string; asked: Asked | null; onEnd?: () => void }) {
  const state = useGeneration(id);
  const ended = state.end !== null;
  useEffect(() => {
    if (ended) onEnd?.();
  }, [ended, onEnd]);
  const asked = useAsked(id, known);
  const active = !state.end && state.connection !== "lost";
  const finals = finalImages(state);
  const indexes = slotIndexes(state, asked?.n ?? 1);
  const expected = resolveSize(asked?.size ?? "auto");
  return (
    <section aria-label="Current generation" className="space-y-4">
      <div className="flex min-h-10 flex-wrap items-center justify-between gap-3">
        <Progress state={state} active={active} />
        {active && <CancelButton id={id} />}
      </div>
      <noscript>
        <p className="text-sm text-amber-200">Scripts are off in this browser: the generation runs, but this page needs them to show its progress and pictures.</p>
      </noscript>
      <Outcome state={state} />
      <Downgrades images={finals} />
      <FidelityNote images={finals} count={Math.max(indexes.length, finals.length)} />
      <div className={indexes.length > 1 ? "grid gap-4 sm:grid-cols-2" : ""}>
        {indexes.map((index) => (
          <ImageSlotView key={index} index={index} slot={state.slots[index]} expected={expected} prompt={asked?.prompt ?? null} waiting={active} />
        ))}
      </div>
      <GenerationFacts state={state} images={finals} />
    </section>
  );
}

function Progress({ state, active }: { state: GenerationState; active: boolean }) {
  const tone = state.end?.status === "failed" ? "text-red-300" : state.end?.status === "cancelled" ? "text-zinc-400" : "text-zinc-100";
  return (
    <div className="flex items-center gap-2">
      {active && <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-sky-400" />}
      <p role="status" aria-live="polite" className={`text-sm font-medium ${tone}`}>
        {state.connection === "lost" ? "Connection lost" : state.progress}
        {state.connection === "reconnecting" && " (reconnecting…)"}
      </p>
    </div>
  );
}

function CancelButton({ id }: { id: string }) {
  const [pending, startTransition] = useTransition();
  const [requested, setRequested] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = () =>
    startTransition(async () => {
      const result = await cancelGeneration(id).catch(() => null);
      if (result?.ok) setRequested(true);
      else setError(result ? result.error.message : "The studio could not reach the server to cancel.");
    });
  return (
    <div className="flex items-center gap-3">
      {error && <p className="text-xs text-red-300">{error}</p>}
      <button
        type="button"
        onClick={cancel}
        disabled={pending || requested}
        className="rounded-md border border-zinc-600 px-3 py-1.5 text-sm text-zinc-100 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
      >
        Cancel
      </button>
    </div>
  );
}

/** Failure is an alert with the gateway's code; a lost stream says how to get it back. */
function Outcome({ state }: { state: GenerationState }) {
  const { end } = state;
  if (end?.status === "failed") {
    return (
      <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
        <p>{end.error?.message ?? "The generation failed."}</p>
        <p className="mt-1 font-mono text-xs text-red-300/80">{end.error?.code ?? "unknown_error"}</p>
      </div>
    );
  }
  if (end?.status === "done" && end.missing) {
    return (
      <div role="alert" className="rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
        <p>
          {end.missing.count === 1 ? "One image" : `${end.missing.count} images`} could not be made: {end.missing.error.message}
        </p>
        <p className="mt-1 font-mono text-xs text-amber-300/80">{end.missing.error.code}</p>
      </div>
    );
  }
  if (!end && state.connection === "lost") {
    return (
      <div role="alert" className="rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
        Lost the connection to this generation: it may not exist, or the server stopped answering. Reload the page to try again.
      </div>
    );
  }
  return null;
}

function Downgrades({ images }: { images: ImageEvent[] }) {
  const downgraded = images.filter((image) => image.downgraded);
  if (downgraded.length === 0) return null;
  return (
    <div className="space-y-1 rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
      {downgraded.map((image) => (
        <p key={image.imageIndex}>
          The gateway returned less than asked: {image.downgraded}
          {images.length > 1 ? ` (image ${image.imageIndex + 1})` : ""}
        </p>
      ))}
    </div>
  );
}

"use client";

import { useEffect, useState } from "react";
import type { Asked } from "@/components/studio/form-values";

/**
 * What was asked for (prompt, size, count) sizes the placeholders and words the alt text. A fresh
 * start knows it; a reattach after reload asks `GET /api/generations/<id>` once, because the
 * event stream carries progress, not the request. Without an answer the view still works.
 */
export function useAsked(id: string, known: Asked | null): Asked | null {
  const [fetched, setFetched] = useState<Asked | null>(null);

  useEffect(() => {
    if (known) return;
    const controller = new AbortController();
    fetch(`/api/generations/${encodeURIComponent(id)}`, { signal: controller.signal, headers: { accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: unknown) => {
        const asked = readAsked(body);
        if (asked) setFetched(asked);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [id, known]);

  return known ?? fetched;
}

/** Accepts the request fields at the top level or under `generation`; anything else is ignored. */
export function readAsked(body: unknown): Asked | null {
  const record = asRecord(body);
  const source = asRecord(record?.generation) ?? record;
  if (!source || typeof source.prompt !== "string") return null;
  const size = typeof source.size === "string" ? source.size : "auto";
  const n = typeof source.n === "number" && Number.isInteger(source.n) && source.n > 0 ? source.n : 1;
  return { prompt: source.prompt, size, n };
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

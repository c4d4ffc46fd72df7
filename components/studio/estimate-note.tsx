"use client";

import { useEffect, useState } from "react";

/**
 * The expected cost and time beside Generate, from GET /api/estimate: this studio's own history
 * for the same size and quality, or the price table when there is none yet; with what each budget
 * leaves. Asked a moment after the form stops changing, so typing never waits on it; a request
 * the form would refuse (a half-typed custom size) shows nothing rather than an error.
 */
export type EstimateAsk = { size: string; quality: string; format: string; images: string; partials: string };

type Budget = { period: "daily" | "monthly"; limitUsd: number; spentUsd: number; leftUsd: number };
type Estimate = {
  costUsd: number;
  latencyP50Ms: number | null;
  latencyP90Ms: number | null;
  basedOn: number;
  source: "history" | "price_table";
  budgets: Budget[];
};

const SETTLE_MS = 300;

export function EstimateNote({ ask, refreshKey }: { ask: EstimateAsk; refreshKey: number }) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const query = new URLSearchParams({ size: ask.size, quality: ask.quality, output_format: ask.format, n: ask.images.trim(), partial_images: ask.partials.trim() }).toString();

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/estimate?${query}`, { signal: controller.signal, headers: { accept: "application/json" } })
        .then(async (response) => setEstimate(response.ok ? ((await response.json()) as Estimate) : null))
        .catch(() => {});
    }, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, refreshKey]);

  return (
    // A named group, not <output>: that is role=status, and the studio's one status is its progress.
    <div role="group" aria-label="Estimate" aria-live="polite" className="min-h-10 text-xs leading-relaxed text-zinc-400">
      {estimate && <EstimateText estimate={estimate} />}
    </div>
  );
}

function EstimateText({ estimate }: { estimate: Estimate }) {
  const { costUsd, latencyP50Ms: p50, latencyP90Ms: p90, basedOn, source } = estimate;
  const time = p50 !== null && p90 !== null ? ` · ${seconds(p50)}–${seconds(p90)} s` : "";
  const basis = source === "history" ? `from ${basedOn} past generation${basedOn === 1 ? "" : "s"} like it` : "from the price table; no past generations like it yet";
  return (
    <>
      <span className="font-medium text-zinc-200">
        About {usd(costUsd)}
        {time}
      </span>{" "}
      <span>({basis})</span>
      {estimate.budgets.map((b) => (
        <span key={b.period} className={`block ${b.leftUsd < costUsd ? "text-amber-300" : ""}`}>
          {b.period === "daily" ? "Daily" : "Monthly"} budget: {usd(b.leftUsd)} left of {usd(b.limitUsd)}
          {b.leftUsd < costUsd && " — not enough for this one"}
        </span>
      ))}
    </>
  );
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
const usd = (dollars: number) => `$${dollars.toFixed(dollars < 1 ? 4 : 2)}`;

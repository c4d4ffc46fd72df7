import type { ImageEvent } from "@/lib/generations/events";
import type { GenerationState } from "@/components/studio/generation-state";

/** The numbers under the results: revised prompts, tokens, cost and timings. */
export function GenerationFacts({ state, images }: { state: GenerationState; images: ImageEvent[] }) {
  const end = state.end;
  const revised = images.filter((image) => image.revisedPrompt);
  const several = images.length > 1;
  const facts: [string, string][] = [];
  if (end?.usage) {
    const { inputTokens, outputTokens, totalTokens } = end.usage;
    facts.push(["Tokens", `${count(inputTokens)} in · ${count(outputTokens)} out · ${count(totalTokens)} total`]);
  }
  if (end?.costUsd != null) facts.push(["Estimated cost", formatUsd(end.costUsd)]);
  if (end?.firstPartialMs != null) facts.push(["First partial after", seconds(end.firstPartialMs)]);
  if (end?.latencyMs != null) facts.push(["Total time", seconds(end.latencyMs)]);
  if (state.attempt !== null && state.attempt > 1) facts.push(["Attempts", String(state.attempt)]);
  if (revised.length === 0 && facts.length === 0) return null;
  return (
    <div className="space-y-3 rounded-lg border border-zinc-800 bg-zinc-900/60 p-4 text-sm">
      {revised.map((image) => (
        <div key={image.imageIndex}>
          <h3 className="text-xs font-medium uppercase tracking-wide text-zinc-500">
            {several ? `Revised prompt, image ${image.imageIndex + 1}` : "Revised prompt"}
          </h3>
          <p className="mt-1 whitespace-pre-wrap text-zinc-300">{image.revisedPrompt}</p>
        </div>
      ))}
      {facts.length > 0 && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          {facts.map(([term, value]) => (
            <div key={term} className="contents">
              <dt className="text-zinc-500">{term}</dt>
              <dd className="tabular-nums text-zinc-200">{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function formatUsd(amount: number): string {
  return `$${amount.toFixed(4)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

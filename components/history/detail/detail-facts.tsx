import { Fact } from "@/components/history/detail/fact";
import { duration, timestamp, usd } from "@/components/history/detail/format";
import { RequestFacts } from "@/components/history/detail/request-facts";
import { TokenFacts } from "@/components/history/detail/token-facts";
import type { DetailImage, GenerationDetail } from "@/components/history/detail/types";

/** Everything known about a generation, rendered on the server as one description list. */
export function DetailFacts({ detail }: { detail: GenerationDetail }) {
  return (
    <section aria-labelledby="facts-heading" className="rounded-lg border border-zinc-800 bg-zinc-900/60 p-4 text-sm">
      <h2 id="facts-heading" className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-500">
        Details
      </h2>
      <dl>
        <Fact term="Prompt">
          <span className="whitespace-pre-wrap">{detail.prompt}</span>
        </Fact>
        <RevisedPrompts images={detail.images} />
        <Fact term="Model">{detail.model}</Fact>
        <Fact term="Status">
          <Status detail={detail} />
        </Fact>
        <RequestFacts detail={detail} />
        <TokenFacts detail={detail} />
        <Fact term="Cost">{detail.costUsd === null ? "not known" : `${usd(detail.costUsd)} (USD)`}</Fact>
        <Fact term="First partial">{detail.firstPartialMs === null ? "none" : `after ${duration(detail.firstPartialMs)}`}</Fact>
        <Fact term="Total latency">{detail.latencyMs === null ? "not finished" : duration(detail.latencyMs)}</Fact>
        <Fact term="Gateway">{detail.gateway.isSimulator ? "Local simulator" : detail.gateway.label}</Fact>
        <Fact term="Created">
          <time dateTime={detail.createdAt}>{timestamp(detail.createdAt)}</time>
        </Fact>
        <Fact term="Finished">{detail.finishedAt ? <time dateTime={detail.finishedAt}>{timestamp(detail.finishedAt)}</time> : "not yet"}</Fact>
      </dl>
    </section>
  );
}

function Status({ detail }: { detail: GenerationDetail }) {
  const tone = detail.status === "failed" ? "text-red-300" : detail.status === "cancelled" ? "text-zinc-400" : detail.status === "done" ? "text-emerald-300" : "text-sky-300";
  return (
    <>
      <span className={`font-medium ${tone}`}>{detail.status}</span>
      {detail.queuePosition !== null && <span className="text-zinc-400"> (position {detail.queuePosition} in the queue)</span>}
      {detail.error && (
        <p className="mt-1">
          <span className="font-mono text-xs text-red-300/90">{detail.error.code}</span>: {detail.error.message}
        </p>
      )}
      {detail.notice && <p className="mt-1 text-amber-200">{detail.notice}</p>}
    </>
  );
}

/** One revised prompt when every image has the same; each image's when they differ. */
function RevisedPrompts({ images }: { images: DetailImage[] }) {
  const revised = images.filter((image) => image.revisedPrompt);
  const distinct = new Set(revised.map((image) => image.revisedPrompt));
  if (revised.length === 0) return <Fact term="Revised prompt">none returned</Fact>;
  if (distinct.size === 1 && revised.length === images.length) {
    return (
      <Fact term="Revised prompt">
        <span className="whitespace-pre-wrap">{revised[0]?.revisedPrompt}</span>
      </Fact>
    );
  }
  return (
    <Fact term="Revised prompts">
      <ul className="space-y-2">
        {images.map((image) => (
          <li key={image.id}>
            <span className="text-zinc-500">Image {image.imageIndex + 1}: </span>
            <span className="whitespace-pre-wrap">{image.revisedPrompt ?? "none returned"}</span>
          </li>
        ))}
      </ul>
    </Fact>
  );
}

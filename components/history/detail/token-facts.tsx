import { Fact } from "@/components/history/detail/fact";
import { count, tokenDetails, tokenTotals } from "@/components/history/detail/format";
import type { GenerationDetail } from "@/components/history/detail/types";

/** The generation's token totals, then each image's usage as the gateway reported it, details and all. */
export function TokenFacts({ detail }: { detail: GenerationDetail }) {
  const { usage, images } = detail;
  const reported = images.filter((image) => image.usage !== null);
  return (
    <Fact term="Tokens">
      {usage ? (
        <span className="tabular-nums">
          {count(usage.inputTokens ?? 0)} in · {count(usage.outputTokens ?? 0)} out · {count(usage.totalTokens)} total
        </span>
      ) : (
        "none reported"
      )}
      {reported.length > 0 && (
        <ul className="mt-1 space-y-1 text-zinc-400">
          {reported.map((image) => (
            <li key={image.id}>
              <span className="text-zinc-500">Image {image.imageIndex + 1}: </span>
              <span className="tabular-nums">{tokenTotals(image.usage) ?? "no totals"}</span>
              {tokenDetails(image.usage).map((line) => (
                <span key={line.label} className="block pl-4 tabular-nums">
                  {line.label}: {line.value}
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </Fact>
  );
}

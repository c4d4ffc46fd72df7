import { duration } from "@/components/history/detail/format";
import type { DetailAttempt } from "@/components/history/detail/types";

const STEP_TEXT: Record<string, string> = {
  asked: "as asked",
  "fallback-medium": "fallback: medium quality",
  "fallback-small": "fallback: drawn small, upscaled",
};

const STATUS_TONE: Record<string, string> = { ok: "text-emerald-300", error: "text-red-300", cancelled: "text-zinc-400", running: "text-sky-300" };

/** Every gateway request made for the generation: retries and fallback rungs are each a row. */
export function AttemptsTable({ attempts }: { attempts: DetailAttempt[] }) {
  return (
    <section aria-labelledby="attempts-heading" className="rounded-lg border border-zinc-800 bg-zinc-900/60 p-4 text-sm">
      <h2 id="attempts-heading" className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-500">
        Attempts
      </h2>
      {attempts.length === 0 ? (
        <p className="text-zinc-400">No request has been sent to the gateway yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table aria-labelledby="attempts-heading" className="w-full min-w-[44rem] text-left">
            <thead className="text-xs text-zinc-500">
              <tr>
                {["Image", "Attempt", "Ladder step", "Size", "Quality", "Status", "HTTP", "Error", "Latency"].map((column) => (
                  <th key={column} scope="col" className="px-2 py-1.5 font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="tabular-nums text-zinc-200">
              {attempts.map((attempt) => (
                <tr key={`${attempt.imageIndex}-${attempt.number}`} className="border-t border-zinc-800 align-top">
                  <td className="px-2 py-1.5">{attempt.imageIndex + 1}</td>
                  <td className="px-2 py-1.5">{attempt.number}</td>
                  <td className="px-2 py-1.5">{STEP_TEXT[attempt.step] ?? attempt.step}</td>
                  <td className="px-2 py-1.5">{attempt.size}</td>
                  <td className="px-2 py-1.5">{attempt.quality}</td>
                  <td className={`px-2 py-1.5 ${STATUS_TONE[attempt.status] ?? ""}`}>{attempt.status}</td>
                  <td className="px-2 py-1.5">{attempt.httpStatus ?? "—"}</td>
                  <td className="px-2 py-1.5">
                    {attempt.error ? (
                      <>
                        <span className="font-mono text-xs text-red-300/90">{attempt.error.code}</span> {attempt.error.message}
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-2 py-1.5">{attempt.latencyMs === null ? "—" : duration(attempt.latencyMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

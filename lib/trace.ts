import "server-only";
import { appendFileSync } from "node:fs";

/**
 * Timestamps along a generation's path, across processes (client, Next, worker, simulator), for
 * `npm run bench:trace`. Off unless STUDIO_TRACE_FILE names a file (read at the first call): then a
 * call costs a few microseconds; otherwise one comparison. Server-side only.
 */
let traceFile: string | null | undefined;

export function mark(stage: string): void {
  traceFile ??= process.env.STUDIO_TRACE_FILE || null;
  if (traceFile) appendFileSync(traceFile, `${(performance.timeOrigin + performance.now()).toFixed(2)} ${process.pid} ${stage}\n`);
}

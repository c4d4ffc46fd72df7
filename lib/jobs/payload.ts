import "server-only";
import type { Lease } from "@/lib/db/lease";
import { generationRequestSchema, type GenerationRequest } from "@/lib/generations/request-schema";

/**
 * What a job runs, stored once on its row (`kind` + the `request` column) and read back by the
 * claim: the request as the person sent it, validated. `generate` now; `edit` and `agent-turn`
 * add a kind and a runner each.
 */
export const JOB_KINDS = ["generate"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JobPayload = { kind: "generate"; request: GenerationRequest };

/** A job as a worker runs it: its payload, and the lease every write it makes must hold. */
export type Job = {
  id: string;
  ownerId: string;
  payload: JobPayload;
  large: boolean;
  runCount: number;
  cancelRequested: boolean;
  /** How many were still waiting behind it when it was claimed. */
  waiting: number;
  lease: Lease;
  /**
   * Set on a job handed to this process's worker while its row is still being written (the one
   * fast path, queue.ts): it settles once the row is committed, and rejects if it never is. The
   * job writes nothing before, and stops at once if it rejects.
   */
  stored?: Promise<void>;
};

export class PayloadError extends Error {}

/**
 * Reads a stored payload. It was checked when it was queued; it is checked again here because a
 * row may come from an older version of the studio. Transparent backgrounds were allowed then or
 * the row would not exist, so that one setting is not asked again.
 */
export function readPayload(kind: string, stored: unknown): JobPayload {
  if (kind !== "generate") throw new PayloadError(`This studio cannot run jobs of kind "${kind}"`);
  const parsed = generationRequestSchema({ allowTransparent: true }).safeParse(stored);
  if (!parsed.success) throw new PayloadError(`The stored request is no longer valid: ${parsed.error.issues[0]?.message ?? "unknown problem"}`);
  return { kind, request: parsed.data };
}

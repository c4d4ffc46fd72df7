/**
 * The vocabulary of a generation's event stream (ui-contract.md). The job runner writes these as
 * rows; the SSE route replays and follows them; the studio page renders them. One definition.
 */
import type { JobErrorCode, UpstreamCode } from "@/lib/errors/codes";

export const GENERATION_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];
export type FinalStatus = Extract<GenerationStatus, "done" | "failed" | "cancelled">;

/**
 * Why a generation (or one of its images) failed. `code` is the studio's own where the failure is
 * its own (JobErrorCode: cancelled, interrupted, storage_error...), else the gateway's code passed
 * through as sent (UpstreamCode: moderation_blocked, rate_limit_exceeded... any string).
 */
export type ErrorInfo = { code: JobErrorCode | UpstreamCode; message: string; field?: string };

export type StatusEvent = {
  status: GenerationStatus;
  message: string;
  attempt?: number;
  imageIndex?: number;
  queuePosition?: number;
};
export type PartialEvent = { imageIndex: number; partialIndex: number; partialCount: number; url: string; imageId: string };
export type ImageEvent = {
  imageIndex: number;
  imageId: string;
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
  format: string;
  revisedPrompt: string | null;
  /** Which rung of the fallback ladder made it: "asked", "fallback-medium" or "fallback-small". */
  step: string;
  /** Set when the gateway returned less than was asked, or the image was upscaled. */
  downgraded?: string;
  /** An edit's image (both set, null when they do not apply): how it kept to the mask's protected area. */
  fidelity?: ImageFidelity | null;
  /** When the protected composite is the image: the gateway's own result, kept beside it. */
  rawImageId?: string | null;
};
/**
 * A masked edit's result against its source over the protected pixels (mask alpha ≥ 250): the
 * share that changed beyond a small tolerance, the mean absolute difference per channel (0-255),
 * and whether the share passed the studio's threshold (lib/images/fidelity.ts).
 */
export type ImageFidelity = { changedShare: number; meanAbsDiff: number; flagged: boolean };
export type EndEvent = {
  status: FinalStatus;
  error?: ErrorInfo;
  /** A `done` generation that made fewer images than asked: how many are missing, and why. */
  missing?: { count: number; error: ErrorInfo };
  images: number;
  latencyMs: number | null;
  firstPartialMs: number | null;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number } | null;
  costUsd: number | null;
};

/**
 * An agent turn's text model writing: each delta as it arrives (several may be joined into one
 * event when they come faster than they are stored). The reply is their concatenation, in order;
 * the whole text is the turn's assistant message once the turn ends.
 */
export type TextEvent = { delta: string; textSoFar?: never };

export type GenerationEventMap = { status: StatusEvent; text: TextEvent; partial: PartialEvent; image: ImageEvent; end: EndEvent };
export type GenerationEventType = keyof GenerationEventMap;
export type GenerationEvent = {
  [K in GenerationEventType]: { id: number; type: K; data: GenerationEventMap[K] };
}[GenerationEventType];

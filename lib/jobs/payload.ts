import "server-only";
import { z } from "zod";
import { agentSettingsSchema, type AgentSettings } from "@/lib/agent/settings";
import type { Lease } from "@/lib/db/lease";
import { editRequestSchema, FORMATS, generationRequestSchema, type EditRequest, type GenerationRequest } from "@/lib/generations/request-schema";

/**
 * What a job runs, stored once on its row (`kind` + the `request` column) and read back by the
 * claim: the request as the person sent it, validated. `generate` and `edit` (the same runner,
 * another endpoint: lib/jobs/image-request.ts); `agent-turn`, one reply in an agent conversation
 * (its own runner: lib/jobs/run-turn.ts).
 */
export const JOB_KINDS = ["generate", "edit", "agent-turn"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * An edit's inputs, their bytes in the blob store: the images sent (the edited one first, then the
 * references, as prepared: lib/uploads/prepare-edit.ts), the mask, whether the unmasked area is
 * composited back, and which history images they came from.
 */
export type EditInputs = {
  images: { sha256: string; format: (typeof FORMATS)[number]; width: number; height: number }[];
  mask?: { sha256: string; width: number; height: number };
  protect: boolean;
  sourceImageId: string | null;
  referenceImageIds: string[];
};

/**
 * An agent turn: which conversation, the user message it answers (the conversation as stored up to
 * that message is the request: lib/db/conversations.ts turnContext), and the tool's settings as
 * they were when the message was sent.
 */
export type AgentTurnPayload = { kind: "agent-turn"; conversationId: string; userMessageId: string; settings: AgentSettings };

/** The jobs run image by image against the image endpoints (run-generation.ts). */
export type ImageJobPayload =
  | { kind: "generate"; request: GenerationRequest }
  | { kind: "edit"; request: EditRequest; inputs: EditInputs; /** What the person was told when it was queued (an image resized). */ notices: string[] };

export type JobPayload = ImageJobPayload | AgentTurnPayload;

/** A job as a worker runs it: its payload, and the lease every write it makes must hold. */
export type Job<P extends JobPayload = JobPayload> = {
  id: string;
  ownerId: string;
  payload: P;
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

/** What the `request` column holds: a generation's request itself; an edit's request with its inputs; a turn's payload but its kind. */
export function storedPayload(payload: JobPayload): unknown {
  if (payload.kind === "generate") return payload.request;
  if (payload.kind === "agent-turn") return { conversationId: payload.conversationId, userMessageId: payload.userMessageId, settings: payload.settings };
  return { request: payload.request, inputs: payload.inputs, notices: payload.notices };
}

const blob = z.string().regex(/^[a-f0-9]{64}$/, { error: "not a sha256" });
const pixels = z.number().int().positive();
const storedEdit = z.object({
  request: z.unknown(),
  inputs: z.object({
    images: z.array(z.object({ sha256: blob, format: z.enum(FORMATS), width: pixels, height: pixels })).min(1).max(16),
    mask: z.object({ sha256: blob, width: pixels, height: pixels }).optional(),
    protect: z.boolean(),
    sourceImageId: z.uuid().nullable(),
    referenceImageIds: z.array(z.uuid()),
  }),
  notices: z.array(z.string()),
});
const storedTurn = z.object({ conversationId: z.uuid(), userMessageId: z.uuid(), settings: z.unknown() });

/**
 * Reads a stored payload. It was checked when it was queued; it is checked again here because a
 * row may come from an older version of the studio. Transparent backgrounds were allowed then or
 * the row would not exist, so that one setting is not asked again.
 */
export function readPayload(kind: string, stored: unknown): JobPayload {
  const rules = { allowTransparent: true };
  if (kind === "generate") return { kind, request: parsed(generationRequestSchema(rules), stored) };
  if (kind === "edit") {
    const edit = parsed(storedEdit, stored);
    return { kind, request: parsed(editRequestSchema(rules), edit.request), inputs: edit.inputs, notices: edit.notices };
  }
  if (kind === "agent-turn") {
    const turn = parsed(storedTurn, stored);
    return { kind, conversationId: turn.conversationId, userMessageId: turn.userMessageId, settings: parsed(agentSettingsSchema(rules), turn.settings) };
  }
  throw new PayloadError(`This studio cannot run jobs of kind "${kind}"`);
}

function parsed<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new PayloadError(`The stored request is no longer valid: ${result.error.issues[0]?.message ?? "unknown problem"}`);
  return result.data;
}

/**
 * Sending a /v1/responses answer, paced and broken like the image endpoints' (respond.ts). The
 * stream, in order: `response.created`, `response.in_progress`, the message's `output_item.added`
 * and `content_part.added`, the `output_text.delta`s (`textDeltaMs` apart); if the tool runs, its
 * `output_item.added`, `image_generation_call.in_progress`, `.generating`, `.partial_image` × K (at
 * the image endpoints' latency, after the text), `.completed` and `output_item.done` (the image);
 * then the message's `output_text.done`, `content_part.done`, `output_item.done`; finally
 * `response.completed` with both items, `usage` (the text model's) and `tool_usage.image_gen`.
 * Mid-stream faults break it after the first partial, or with none where the tool's picture (or,
 * for a text-only answer, the end of the text) would come; `truncated` drops `response.completed`;
 * a status fault `at=tool` ends it with `response.failed` where the tool would start.
 */
import { statusFaultError, type FaultPlan, type PreemptFault } from "./faults";
import {
  b64, breakStream, echoedFields, endJson, EventStream, flushBeforeDrawing, HTML_ERROR_PAGE, keepaliveJson, MID_STREAM_ENDINGS,
  schedule, startImages, startStreamImages, waitFor, type Exchange, type Timing,
} from "./respond";
import { textUsage, toolUsage, type Answer, type ToolRun } from "./responses";

type Status = "in_progress" | "completed" | "failed";
type Extra = { usage?: unknown; tool_usage?: unknown; error?: unknown };

const MESSAGE_INDEX = 0;
const TOOL_INDEX = 1;

function toolsEcho(answer: Answer): unknown[] {
  const { tool } = answer.request;
  if (!tool) return [];
  return [{
    type: "image_generation",
    model: tool.model,
    size: tool.size,
    quality: tool.quality,
    output_format: tool.outputFormat,
    output_compression: tool.outputCompression,
    background: tool.background,
    moderation: tool.moderation,
    partial_images: tool.partialImages,
    action: tool.action,
  }];
}

/** The response object of created/completed/failed; `previous_response_id` is null: it never got here. */
function responseObject(answer: Answer, status: Status, output: unknown[], extra: Extra = {}) {
  const { request } = answer;
  return {
    id: answer.responseId,
    object: "response",
    created_at: answer.createdAt,
    status,
    error: extra.error ?? null,
    incomplete_details: null,
    instructions: request.instructions,
    metadata: {},
    model: request.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: 1,
    tool_choice: request.toolChoice === "image_generation" ? { type: "image_generation" } : request.toolChoice,
    tools: toolsEcho(answer),
    top_p: 1,
    user: request.user,
    usage: extra.usage ?? null,
    ...(extra.tool_usage ? { tool_usage: extra.tool_usage } : {}),
  };
}

function messageItem(answer: Answer, status: "in_progress" | "completed") {
  const content = status === "completed" ? [{ type: "output_text", text: answer.text, annotations: [], logprobs: [] }] : [];
  return { id: answer.messageId, type: "message", status, role: "assistant", content };
}

function imageItem(tool: ToolRun, result: string) {
  return {
    id: tool.itemId,
    type: "image_generation_call",
    status: "completed",
    action: tool.edit ? "edit" : "generate",
    ...echoedFields(tool.job, tool.shape),
    result,
    revised_prompt: tool.job.revisedPrompt,
  };
}

function completedExtra(answer: Answer, partials: number): Extra {
  return {
    usage: textUsage(answer),
    ...(answer.tool ? { tool_usage: { image_gen: toolUsage(answer.tool, partials) } } : {}),
  };
}

/** The error a status fault would have answered with, as a Responses API error object. */
function failureOf(fault: StatusFault): { code: string | null; message: string } {
  const body = statusFaultError(fault).body as { error?: { code?: string | null; message: string }; code?: string; message?: string };
  const error = body.error ?? { code: body.code ?? null, message: body.message ?? "The request failed." };
  return { code: error.code ?? "server_error", message: error.message };
}

export async function deliverResponse(ex: Exchange, answer: Answer, plan: FaultPlan | undefined, timing: Timing): Promise<void> {
  if (answer.request.stream) await streamResponse(ex, answer, plan, timing);
  else await jsonResponse(ex, answer, plan, timing);
}

async function jsonResponse(ex: Exchange, answer: Answer, plan: FaultPlan | undefined, timing: Timing): Promise<void> {
  const { res } = ex;
  const tick = await keepaliveJson(res, plan);
  const { tool } = answer;
  const textEnd = (plan?.slowMs ?? 0) + answer.deltas.length * timing.textDeltaMs;
  const output: unknown[] = [messageItem(answer, "completed")];
  if (tool) {
    const work = startImages(tool.job, tool.shape, 1);
    const [image] = await waitFor(ex, schedule(timing, textEnd, 0).finalAt, work, tick);
    output.push(imageItem(tool, b64(image ?? Buffer.alloc(0), plan?.corrupt)));
  } else {
    await waitFor(ex, textEnd, Promise.resolve(), tick);
  }
  endJson(res, JSON.stringify(responseObject(answer, "completed", output, completedExtra(answer, 0))), plan?.ending);
}

async function streamResponse(ex: Exchange, answer: Answer, plan: FaultPlan | undefined, timing: Timing): Promise<void> {
  const stream = new EventStream(ex, plan?.keepalive ?? false);
  stream.open();
  if (plan?.ending === "non-json") {
    stream.raw(`data: ${HTML_ERROR_PAGE}\ndata: <<garbage>> {not json\n\n`);
    return stream.end();
  }
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>) => stream.send(type, { type, sequence_number: sequence++, ...fields });
  const textPart = { item_id: answer.messageId, output_index: MESSAGE_INDEX, content_index: 0 };
  const cut = (type: string) => `event: ${type}\ndata: {"type":"${type}","sequence_number":${sequence},"output_index":`;

  emit("response.created", { response: responseObject(answer, "in_progress", []) });
  emit("response.in_progress", { response: responseObject(answer, "in_progress", []) });
  emit("response.output_item.added", { output_index: MESSAGE_INDEX, item: messageItem(answer, "in_progress") });
  emit("response.content_part.added", { ...textPart, part: { type: "output_text", text: "", annotations: [] } });
  const slow = plan?.slowMs ?? 0;
  for (const [index, delta] of answer.deltas.entries()) {
    await stream.waitFor(slow + index * timing.textDeltaMs, Promise.resolve());
    emit("response.output_text.delta", { ...textPart, delta, logprobs: [] });
  }
  const textEnd = slow + answer.deltas.length * timing.textDeltaMs;
  const midStream = MID_STREAM_ENDINGS.find((ending) => ending === plan?.ending);
  const toolFault = failsAtTool(plan);
  const { tool } = answer;
  const output: unknown[] = [];
  let partials = 0;
  if (tool) {
    const call = { output_index: TOOL_INDEX, item_id: tool.itemId };
    emit("response.output_item.added", { output_index: TOOL_INDEX, item: { id: tool.itemId, type: "image_generation_call", status: "in_progress", result: null } });
    emit("response.image_generation_call.in_progress", call);
    if (toolFault) return fail(stream, emit, answer, toolFault);
    emit("response.image_generation_call.generating", call);
    await flushBeforeDrawing();
    const images = startStreamImages(tool.job, tool.shape);
    const times = schedule(timing, textEnd, images.partials.length);
    for (const [index, partial] of images.partials.entries()) {
      const image = await stream.waitFor(times.partialAt[index] ?? 0, partial);
      emit("response.image_generation_call.partial_image", {
        ...call,
        partial_image_index: index,
        partial_image_b64: plan?.corruptAt === "partials" ? b64(image, plan.corrupt) : image.toString("base64"),
        ...echoedFields(tool.job, tool.shape),
      });
      partials++;
      if (midStream) return breakStream(ex, stream, cut("response.output_item.done"), midStream);
    }
    if (midStream) return breakStream(ex, stream, cut("response.output_item.done"), midStream);
    const image = await stream.waitFor(times.finalAt, images.final);
    emit("response.image_generation_call.completed", call);
    const item = imageItem(tool, b64(image, plan?.corruptAt === "partials" ? undefined : plan?.corrupt));
    emit("response.output_item.done", { output_index: TOOL_INDEX, item });
    output.push(item);
  } else {
    if (toolFault) return fail(stream, emit, answer, toolFault);
    if (midStream) return breakStream(ex, stream, cut("response.output_text.done"), midStream);
  }
  emit("response.output_text.done", { ...textPart, text: answer.text, logprobs: [] });
  emit("response.content_part.done", { ...textPart, part: { type: "output_text", text: answer.text, annotations: [] } });
  const message = messageItem(answer, "completed");
  emit("response.output_item.done", { output_index: MESSAGE_INDEX, item: message });
  if (plan?.ending === "truncated") return stream.end();
  emit("response.completed", { response: responseObject(answer, "completed", [message, ...output], completedExtra(answer, partials)) });
  stream.end();
}

type StatusFault = Extract<PreemptFault, { kind: "status" }>;

function failsAtTool(plan: FaultPlan | undefined): StatusFault | undefined {
  return plan?.preemptAt === "tool" && plan.preempt?.kind === "status" ? plan.preempt : undefined;
}

/** A status fault `at=tool`: the response fails where the tool starts, with the error it names. */
function fail(
  stream: EventStream,
  emit: (type: string, fields: Record<string, unknown>) => void,
  answer: Answer,
  fault: StatusFault,
): void {
  emit("response.failed", { response: responseObject(answer, "failed", [], { error: failureOf(fault) }) });
  stream.end();
}

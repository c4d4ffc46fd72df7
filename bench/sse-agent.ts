import { median, readEvents } from "./harness";

/**
 * bench:sse's agent path: time to the first streamed text and to the first partial of a tool call,
 * straight from the simulator's `POST /v1/responses` and through the studio (a new conversation,
 * its message, the turn's queue, worker, request rebuilt from the stored conversation, event rows,
 * SSE), in the same run. Target: under 30 ms added to each.
 */
const TARGET_MS = 30;
type Sample = { text: number; partial: number };

const TOOL = { type: "image_generation", size: "1024x1024", quality: "high", output_format: "png", partial_images: 1 };

async function direct(simUrl: string, text: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${simUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-sim-local" },
    body: JSON.stringify({ model: "gpt-5.5", input: [{ role: "user", content: [{ type: "input_text", text }] }], tools: [TOOL], tool_choice: "auto", stream: true }),
  });
  const sample = { text: NaN, partial: NaN };
  await readEvents(res, (_event, data) => {
    const type = (data as { type?: string }).type ?? "";
    if (type === "response.output_text.delta" && Number.isNaN(sample.text)) sample.text = performance.now() - t0;
    if (type === "response.image_generation_call.partial_image" && Number.isNaN(sample.partial)) sample.partial = performance.now() - t0;
    return type === "response.completed";
  });
  return sample;
}

async function viaStudio(baseUrl: string, text: string): Promise<Sample> {
  const json = { "content-type": "application/json" };
  const conversation = (await (await fetch(`${baseUrl}/api/conversations`, { method: "POST", headers: json, body: JSON.stringify({ settings: { quality: "high", partialImages: 1 } }) })).json()) as { id: string };
  const t0 = performance.now();
  const sent = await fetch(`${baseUrl}/api/conversations/${conversation.id}/messages`, { method: "POST", headers: json, body: JSON.stringify({ text }) });
  const { turnId } = (await sent.json()) as { turnId: string };
  const res = await fetch(`${baseUrl}/api/conversations/${conversation.id}/turns/${turnId}/events`);
  const sample = { text: NaN, partial: NaN };
  await readEvents(res, (event) => {
    if (event === "text" && Number.isNaN(sample.text)) sample.text = performance.now() - t0;
    if (event === "partial" && Number.isNaN(sample.partial)) sample.partial = performance.now() - t0;
    return event === "end";
  });
  return sample;
}

export async function agentBench(baseUrl: string, simUrl: string, runs: number): Promise<string[]> {
  await direct(simUrl, "draw a warm-up picture");
  await viaStudio(baseUrl, "draw a warm-up picture");
  const d: Sample[] = [];
  const s: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    d.push(await direct(simUrl, `draw a lighthouse, agent bench ${i}`));
    s.push(await viaStudio(baseUrl, `draw a lighthouse, agent bench ${i}`));
  }
  const m = (list: Sample[], key: keyof Sample) => median(list.map((x) => x[key]));
  const line = (what: string, key: keyof Sample) => {
    const added = m(s, key) - m(d, key);
    return `agent       | ${what.padEnd(21)} | direct ${m(d, key).toFixed(0).padStart(5)} ms | studio ${m(s, key).toFixed(0).padStart(5)} ms | added ${added.toFixed(0)} ms, target under ${TARGET_MS} ms: ${added < TARGET_MS ? "met" : "not met"}`;
  };
  return [`\nagent path (POST /v1/responses with the image tool), ${runs} runs, medians`, line("first streamed text", "text"), line("first tool partial", "partial")];
}

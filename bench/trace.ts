import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { mark } from "../lib/trace";
import { median, readEvents, startStudio } from "./harness";

/**
 * `npm run bench:trace`: where the time to the first partial goes. Every process on the path
 * (this client, Next, the worker, the simulator) stamps the stages it passes into one file
 * (lib/trace.ts); this prints the median time of each stage from the client's first byte, for a
 * generation through the studio and, in the same run, straight from the simulator.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 12);
const SIZE = process.env.BENCH_SIZE ?? "1024x1024";
const LATENCY = 600;
/** Quiet time before each request: a person pauses between generations (BENCH_GAP_MS). */
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 700);

const STUDIO_STAGES: [string, string][] = [
  ["post:handler", "Next.js hands the POST to its handler"],
  ["worker:start", "the server's worker starts the job (the row still being written)"],
  ["gw:fetch", "the gateway request leaves the worker"],
  ["sim:request", "the gateway (simulator) has the request"],
  ["post:enqueued", "the row and its first event are committed"],
  ["sim:partial-send", "the gateway sends the first partial"],
  ["gw:event", "the worker has parsed it"],
  ["image:partial-stored", "its bytes are on disk"],
  ["image:partial-event", "its row and event are committed"],
  ["sse:sent partial", "Next.js writes the SSE event"],
  ["client:partial", "the client has the event"],
];
const DIRECT_STAGES: [string, string][] = [
  ["sim:request", "the gateway (simulator) has the request"],
  ["sim:partial-send", "the gateway sends the first partial"],
  ["client:partial", "the client has the event"],
];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "studio-trace-"));
  const file = path.join(dir, "trace.log");
  writeFileSync(file, "");
  process.env.STUDIO_TRACE_FILE = file;
  const studio = await startStudio({ SIM_LATENCY_MS: String(LATENCY), PORT: "3221", SIM_PORT: "4231", STUDIO_TRACE_FILE: file });
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      // Apart, as a person's generations are: each run starts on quiet processes.
      await pause(GAP_MS);
      mark(`run:start direct ${i}`);
      await direct(studio.simUrl, `trace direct ${i}`);
      await pause(GAP_MS);
      mark(`run:start studio ${i}`);
      await viaStudio(studio.baseUrl, `trace studio ${i}`);
    }
  } finally {
    await studio.stop();
  }
  const runs = readRuns(file);
  rmSync(dir, { recursive: true, force: true });
  // The first two of each are warm-up (JIT, connection pools).
  const studioRuns = runs.filter((r) => r.kind === "studio").slice(2);
  const directRuns = runs.filter((r) => r.kind === "direct").slice(2);
  console.log(`bench:trace — ${SIZE}, ${RUNS} runs each, ${GAP_MS} ms apart, simulator latency ${LATENCY} ms; median ms from the client's request\n`);
  const studioAt = table("through the studio", STUDIO_STAGES, studioRuns);
  const directAt = table("straight from the simulator", DIRECT_STAGES, directRuns);
  const span = (at: Map<string, number>, from: string, to: string) => (at.get(to) ?? NaN) - (at.get(from) ?? NaN);
  const before = (studioAt.get("sim:request") ?? NaN) - (directAt.get("sim:request") ?? NaN);
  const after = span(studioAt, "sim:partial-send", "client:partial") - span(directAt, "sim:partial-send", "client:partial");
  const total = (studioAt.get("client:partial") ?? NaN) - (directAt.get("client:partial") ?? NaN);
  console.log(`added by the studio to the first partial: ${total.toFixed(1)} ms`);
  console.log(`  before the gateway has the request: ${before.toFixed(1)} ms`);
  console.log(`  after the gateway sends the partial: ${after.toFixed(1)} ms`);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function direct(simUrl: string, prompt: string): Promise<void> {
  const res = await fetch(`${simUrl}/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-sim-local" },
    body: JSON.stringify({ model: "gpt-image-2", prompt, size: SIZE, quality: "high", stream: true, partial_images: 1 }),
  });
  await readEvents(res, (event) => {
    if (event.endsWith("partial_image")) mark("client:partial");
    return event.endsWith("completed");
  });
}

async function viaStudio(baseUrl: string, prompt: string): Promise<void> {
  const created = await fetch(`${baseUrl}/api/generations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, size: SIZE, quality: "high", partial_images: 1, fallback: false }),
  });
  const { id } = (await created.json()) as { id: string };
  const res = await fetch(`${baseUrl}/api/generations/${id}/events`);
  await readEvents(res, (event) => {
    if (event === "partial") mark("client:partial");
    return event === "end";
  });
}

type Run = { kind: "direct" | "studio"; at: Map<string, number> };

/** Each stage's first time in each run, in ms from the run's start. */
function readRuns(file: string): Run[] {
  const runs: Run[] = [];
  let start = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [time, , ...words] = line.split(" ");
    const stage = words.join(" ");
    if (!time || !stage) continue;
    if (stage.startsWith("run:start ")) {
      start = Number(time);
      runs.push({ kind: stage.split(" ")[1] as Run["kind"], at: new Map() });
      continue;
    }
    const run = runs.at(-1);
    if (run && !run.at.has(stage)) run.at.set(stage, Number(time) - start);
  }
  return runs;
}

function table(title: string, stages: [string, string][], runs: Run[]): Map<string, number> {
  const medians = new Map<string, number>();
  console.log(title);
  let previous = 0;
  for (const [stage, what] of stages) {
    const at = median(runs.map((r) => r.at.get(stage)).filter((v): v is number => v !== undefined));
    medians.set(stage, at);
    console.log(`  ${at.toFixed(1).padStart(7)} ms  (+${(at - previous).toFixed(1).padStart(5)})  ${what}`);
    previous = at;
  }
  console.log("");
  return medians;
}

await main();

import { median, readEvents, startStudio } from "./harness";
import { agentBench } from "./sse-agent";

/**
 * `npm run bench:sse`: how much the studio adds between the gateway and the browser. In one run,
 * against the simulator with fixed latency, it measures time to the first partial and to the final
 * image (a) streamed straight from the simulator and (b) through the studio: POST, queue, worker,
 * storage, event row, NOTIFY, SSE, then fetching the stored bytes the event points to. Then the
 * agent path (bench/sse-agent.ts): first streamed text and first tool partial, both ways.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LATENCY = 600; // simulator: first partial at 600 ms, final 750 ms after the last partial
const SIZES = ["1024x1024", "3840x2160"];
/** The targets for what the studio adds (SSE event, medians): first partial, and a 4K final. */
const TARGET_FIRST_PARTIAL_MS = 30;
const TARGET_4K_FINAL_MS = 250;

/** `firstPartial`/`final`: the bytes are in hand (painted); `*Event`: the SSE event arrived. */
type Sample = { firstPartial: number; final: number; firstPartialEvent?: number; finalEvent?: number };

async function direct(simUrl: string, size: string, prompt: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${simUrl}/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-sim-local" },
    body: JSON.stringify({ model: "gpt-image-2", prompt, size, quality: "high", stream: true, partial_images: 1 }),
  });
  let firstPartial = NaN;
  let final = NaN;
  await readEvents(res, (event) => {
    if (event.endsWith("partial_image") && Number.isNaN(firstPartial)) firstPartial = performance.now() - t0;
    if (event.endsWith("completed")) {
      final = performance.now() - t0;
      return true;
    }
  });
  return { firstPartial, final };
}

async function viaStudio(baseUrl: string, size: string, prompt: string): Promise<Sample> {
  const t0 = performance.now();
  const created = await fetch(`${baseUrl}/api/generations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, size, quality: "high", partial_images: 1, fallback: false }),
  });
  const { id } = (await created.json()) as { id: string };
  const res = await fetch(`${baseUrl}/api/generations/${id}/events`);
  let firstPartial = NaN;
  let final = NaN;
  let firstPartialEvent = NaN;
  let finalEvent = NaN;
  const fetches: Promise<void>[] = [];
  await readEvents(res, (event, data) => {
    const url = (data as { url?: string }).url;
    // The browser paints once it has the bytes: count the fetch of the stored image too.
    if (event === "partial" && url && Number.isNaN(firstPartial)) {
      firstPartialEvent = performance.now() - t0;
      fetches.push(fetch(`${baseUrl}${url}`).then((r) => r.arrayBuffer()).then(() => void (firstPartial = performance.now() - t0)));
    }
    if (event === "image" && url) {
      finalEvent = performance.now() - t0;
      fetches.push(fetch(`${baseUrl}${url}`).then((r) => r.arrayBuffer()).then(() => void (final = performance.now() - t0)));
    }
    return event === "end";
  });
  await Promise.all(fetches);
  return { firstPartial, final, firstPartialEvent, finalEvent };
}

async function main(): Promise<void> {
  const studio = await startStudio({ SIM_LATENCY_MS: String(LATENCY), PORT: "3201", SIM_PORT: "4211" });
  try {
    // Warm both paths (JIT, connection pools, Next's route compilation).
    await direct(studio.simUrl, "1024x1024", "warm-up direct");
    await viaStudio(studio.baseUrl, "1024x1024", "warm-up studio");
    console.log(`bench:sse — ${RUNS} runs per size, simulator latency scale ${LATENCY} ms, medians\n`);
    console.log("size        | path                  | first partial | final");
    for (const size of SIZES) {
      const d: Sample[] = [];
      const s: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        d.push(await direct(studio.simUrl, size, `bench ${size} direct ${i}`));
        s.push(await viaStudio(studio.baseUrl, size, `bench ${size} studio ${i}`));
      }
      const dm = { firstPartial: median(d.map((x) => x.firstPartial)), final: median(d.map((x) => x.final)) };
      const em = { firstPartial: median(s.map((x) => x.firstPartialEvent ?? NaN)), final: median(s.map((x) => x.finalEvent ?? NaN)) };
      const sm = { firstPartial: median(s.map((x) => x.firstPartial)), final: median(s.map((x) => x.final)) };
      const row = (label: string, m: { firstPartial: number; final: number }) =>
        console.log(`${size.padEnd(11)} | ${label.padEnd(21)} | ${m.firstPartial.toFixed(0).padStart(10)} ms | ${m.final.toFixed(0).padStart(6)} ms`);
      const added = (label: string, m: { firstPartial: number; final: number }) =>
        console.log(
          `${size.padEnd(11)} | ${label.padEnd(21)} | ${(m.firstPartial - dm.firstPartial).toFixed(0).padStart(7)} ms (x${(m.firstPartial / dm.firstPartial).toFixed(3)}) | ${(m.final - dm.final).toFixed(0).padStart(6)} ms (x${(m.final / dm.final).toFixed(3)})`,
        );
      row("direct", dm);
      row("studio: SSE event", em);
      row("studio: bytes fetched", sm);
      added("added to SSE event", em);
      added("added to bytes", sm);
      const verdict = (value: number, target: number) => `${value.toFixed(0)} ms, target under ${target} ms: ${value < target ? "met" : "not met"}`;
      console.log(`${" ".repeat(11)} | first partial added: ${verdict(em.firstPartial - dm.firstPartial, TARGET_FIRST_PARTIAL_MS)}`);
      if (size === "3840x2160") console.log(`${" ".repeat(11)} | 4K final added:      ${verdict(em.final - dm.final, TARGET_4K_FINAL_MS)}`);
    }
    console.log((await agentBench(studio.baseUrl, studio.simUrl, RUNS)).join("\n"));
  } finally {
    await studio.stop();
  }
}

await main();

import { readFileSync } from "node:fs";
import { storeIn } from "@/lib/storage";
import { readEvents, startStudio } from "./harness";

/**
 * `npm run bench:memory`: the resident memory of every process of a production start (the
 * launcher with the simulator inside, the Next.js server with its worker, PostgreSQL), at idle and
 * at its peak while 20 truly concurrent 3840x2160 generations stream, each watched over SSE and
 * its pictures fetched as a browser would. Sampled from /proc every 25 ms.
 */
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);
const SIZE = process.env.BENCH_SIZE ?? "3840x2160";
const PARTIALS = Number(process.env.BENCH_PARTIALS ?? 2);
/** Photo-like grain in the simulator's pictures, so they weigh what real ones do (a 4K final some 20 MB). */
const GRAIN = process.env.BENCH_GRAIN ?? "6";
/** The issue's target for the serving process. */
const TARGET_SERVER_MB = 300;

type Proc = { pid: number; name: string };

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The launcher and everything under it, named as `ps` would. */
function tree(root: number): Proc[] {
  const out: Proc[] = [];
  const walk = (pid: number) => {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const name = pid === root ? "launcher (+ simulator)" : /next-server/.test(cmd[0] ?? "") ? "next-server (+ worker)" : cmd[0]?.includes("postgres") ? `postgres${cmd.length > 1 ? "" : ` ${cmd[0]?.replace(/^postgres: ?/, "")}`}` : cmd.join(" ").slice(0, 40);
    out.push({ pid, name });
    for (const child of children(pid)) walk(child);
  };
  walk(root);
  return out;
}

function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Groups PostgreSQL's many processes into one line: they are the database, not the studio. */
function snapshot(root: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const proc of tree(root)) {
    const key = proc.name.startsWith("postgres") ? "postgres (all processes)" : proc.name;
    totals.set(key, (totals.get(key) ?? 0) + rssMb(proc.pid));
  }
  return totals;
}

async function watch(baseUrl: string, id: string): Promise<void> {
  const fetches: Promise<unknown>[] = [];
  await readEvents(await fetch(`${baseUrl}/api/generations/${id}/events`), (event, data) => {
    const url = (data as { url?: string }).url;
    if ((event === "partial" || event === "image") && url) fetches.push(fetch(`${baseUrl}${url}`).then((r) => r.arrayBuffer()));
    return event === "end";
  });
  await Promise.all(fetches);
}

async function main(): Promise<void> {
  const studio = await startStudio({
    PORT: "3207",
    SIM_PORT: "4217",
    SIM_LATENCY_MS: "1500",
    SIM_GRAIN: GRAIN,
    WORKER_CONCURRENCY: String(CONCURRENT),
    WORKER_CONCURRENCY_LARGE: String(CONCURRENT),
  });
  try {
    const create = async (prompt: string) => {
      const res = await fetch(`${studio.baseUrl}/api/generations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt, size: SIZE, quality: "high", partial_images: PARTIALS, fallback: false }),
      });
      return ((await res.json()) as { id: string }).id;
    };
    await watch(studio.baseUrl, await create("memory warm-up"));
    await new Promise((r) => setTimeout(r, 3000));
    const idle = snapshot(studio.pid);

    const peak = new Map<string, number>();
    let peakTotal = 0;
    const sampler = setInterval(() => {
      const now = snapshot(studio.pid);
      for (const [name, mb] of now) peak.set(name, Math.max(peak.get(name) ?? 0, mb));
      peakTotal = Math.max(peakTotal, [...now.values()].reduce((a, b) => a + b, 0));
    }, 25);
    const t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => create(`memory ${i}`)));
    await Promise.all(ids.map((id) => watch(studio.baseUrl, id)));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);

    const log = (await (await fetch(`${studio.simUrl.replace(/\/v1$/, "")}/__sim/requests`)).json()) as { time: string; durationMs: number | null; body: { prompt?: string } | null }[];
    const spans = log.filter((r) => r.body?.prompt?.startsWith("memory ") && r.durationMs !== null).map((r) => [Date.parse(r.time), Date.parse(r.time) + r.durationMs!] as const);
    const overlap = Math.max(0, ...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    const blobs: string[] = [];
    for await (const sha256 of storeIn(studio.dataDir).listOlderThan(new Date(Date.now() + 60_000))) blobs.push(sha256);
    const stored = blobs.length;

    console.log(`bench:memory — ${CONCURRENT} generations of ${SIZE} at once, ${PARTIALS} partial previews each, watched over SSE, simulator grain ${GRAIN}\n`);
    console.log(`at most ${overlap} gateway requests were in flight at once; all ended in ${seconds.toFixed(1)} s; ${stored} blobs stored\n`);
    console.log("process                    |  idle RSS | peak RSS");
    for (const [name, mb] of idle) console.log(`${name.padEnd(26)} | ${mb.toFixed(0).padStart(6)} MB | ${(peak.get(name) ?? 0).toFixed(0).padStart(5)} MB`);
    console.log(`${"all of them (peak of sum)".padEnd(26)} | ${[...idle.values()].reduce((a, b) => a + b, 0).toFixed(0).padStart(6)} MB | ${peakTotal.toFixed(0).padStart(5)} MB`);
    const server = peak.get("next-server (+ worker)") ?? NaN;
    console.log(`\nserving process peak: ${server.toFixed(0)} MB, target under ${TARGET_SERVER_MB} MB: ${server < TARGET_SERVER_MB ? "met" : "not met"}`);
  } finally {
    await studio.stop();
  }
}

await main();

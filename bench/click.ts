import { chromium, type Page } from "@playwright/test";
import { SseReader } from "../lib/gateway/event-stream";
import { median, startStudio } from "./harness";

/**
 * `npm run bench:click`: what a person waits for, in a real Chromium on the production build.
 * From the click on Generate to the first partial preview painted, and to the final image painted
 * (Element Timing's renderTime, the moment the picture is on screen), against a direct client of
 * the simulator in the same run: its first partial event and its completion. The simulator runs at
 * a fixed latency, so what differs is the studio's own time. Each size is measured on a freshly
 * opened page (a person's first picture) and on a page that has generated before.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
/** 1.5 s to the first partial: long enough that the simulator's own encoding (on this machine) is over by then. */
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 1500);
const SIZES = (process.env.BENCH_SIZES ?? "1024x1024,3840x2160").split(",");
/** Photo-like grain in the simulator's pictures, so they weigh what real ones do. */
const GRAIN = process.env.BENCH_GRAIN ?? "6";
/** The target: the first partial painted within this of the gateway's own first partial. */
const TARGET_FIRST_PARTIAL_MS = 100;

type Sample = { firstPartial: number; final: number; stages?: Record<string, number> };

async function direct(simUrl: string, size: string, prompt: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${simUrl}/images/generations`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-sim-local" },
    body: JSON.stringify({ model: "gpt-image-2", prompt, size, quality: "high", stream: true, partial_images: 2 }),
  });
  const sample = { firstPartial: NaN, final: NaN };
  // As fast a client as there is: the studio's own reader, images decoded as they stream and dropped.
  const reader = new SseReader<null>(() => ({ write: () => undefined, end: () => null, abort: () => undefined }), new Set(["b64_json"]), ({ event }) => {
    if (event.endsWith("partial_image") && Number.isNaN(sample.firstPartial)) sample.firstPartial = performance.now() - t0;
    if (event.endsWith("completed")) sample.final = performance.now() - t0;
  });
  const body = res.body!.getReader();
  while (Number.isNaN(sample.final)) {
    const { done, value } = await body.read();
    if (done) break;
    reader.feed(value);
  }
  await body.cancel();
  return sample;
}

/** Paint times of images marked with `elementtiming`, and the time of the last click, in page time. */
const OBSERVE = `
  window.__paints = [];
  window.__click = NaN;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const fetched = performance.getEntriesByName(entry.url, "resource")[0];
      window.__paints.push({ name: entry.identifier, at: entry.renderTime || entry.loadTime, loaded: entry.loadTime, asked: fetched ? fetched.startTime : NaN, fetched: fetched ? fetched.responseEnd : NaN });
    }
  }).observe({ type: "element", buffered: true });
  document.addEventListener("click", (event) => { window.__click = event.timeStamp; }, true);
  // When each kind of event first reached the page after the click, from the studio's own EventSource.
  window.__arrived = {};
  const listen = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, listener, options) {
    return listen.call(this, type, (event) => {
      if (!(window.__arrived[type] > window.__click)) window.__arrived[type] = performance.now();
      return listener(event);
    }, options);
  };
`;

/** A person takes a moment to type; the form uses it to load and warm its checks (request-check.ts). */
const TYPING_MS = 600;

async function viaBrowser(page: Page, size: string, prompt: string): Promise<Sample> {
  await page.getByLabel("Prompt").focus();
  await page.waitForTimeout(TYPING_MS);
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByLabel("Size", { exact: true }).selectOption(size);
  await page.getByRole("button", { name: "Generate" }).click();
  // The previous run's picture stays until the new one replaces it: wait for this prompt's.
  await page.getByRole("img", { name: `Generated image 1: ${prompt}` }).waitFor();
  // A string, not a function: tsx's transform would add helpers the page does not have.
  const read = () =>
    page.evaluate(`(() => {
      const after = window.__paints.filter((p) => p.at > window.__click);
      const first = (name) => after.filter((p) => p.name === name).sort((a, b) => a.at - b.at)[0];
      const since = (entry, key) => (entry ? entry[key] - window.__click : Infinity);
      const partial = first("partial-preview");
      const final = first("generated-image");
      return {
        firstPartial: since(partial, "at"), final: since(final, "at"),
        stages: {
          actionDone: Math.min(...performance.getEntriesByType("resource").filter((r) => r.initiatorType === "fetch" && r.startTime > window.__click && new URL(r.name).pathname === "/").map((r) => r.responseEnd)) - window.__click,
          streamAsked: Math.min(...performance.getEntriesByType("resource").filter((r) => r.startTime > window.__click && r.name.includes("/events")).map((r) => r.startTime)) - window.__click,
          partialEvent: (window.__arrived.partial ?? Infinity) - window.__click, finalEvent: (window.__arrived.image ?? Infinity) - window.__click, partialAsked: since(partial, "asked"), partialFetched: since(partial, "fetched"), partialLoaded: since(partial, "loaded"), finalAsked: since(final, "asked"), finalFetched: since(final, "fetched"), finalLoaded: since(final, "loaded") },
      };
    })()`) as Promise<Sample>;
  // The final's paint entry lands a frame after it is in the DOM.
  for (let tries = 0; tries < 50; tries++) {
    const sample = await read();
    if (Number.isFinite(sample.final)) return sample;
    await page.waitForTimeout(20);
  }
  return read();
}

function report(size: string, kind: string, d: Sample[], b: Sample[]): void {
  const dm = { firstPartial: median(d.map((x) => x.firstPartial)), final: median(d.map((x) => x.final)) };
  const bm = { firstPartial: median(b.map((x) => x.firstPartial)), final: median(b.map((x) => x.final)) };
  const ms = (value: number, width: number) => `${value.toFixed(0).padStart(width)} ms`;
  const addedFirst = bm.firstPartial - dm.firstPartial;
  const indent = " ".repeat(11);
  console.log(
    `${size.padEnd(11)} | ${kind.padEnd(5)} | ${ms(dm.firstPartial, 18)} | ${ms(dm.final, 4)} | ${ms(bm.firstPartial, 26)} | ${ms(bm.final, 10)} | ${ms(addedFirst, 17)} | ${ms(bm.final - dm.final, 4)}`,
  );
  console.log(`${indent} |       | first partial added: ${addedFirst.toFixed(0)} ms, target under ${TARGET_FIRST_PARTIAL_MS} ms: ${addedFirst < TARGET_FIRST_PARTIAL_MS ? "met" : "not met"}`);
  const stage = (key: string) => median(b.map((x) => x.stages?.[key] ?? NaN)).toFixed(0);
  console.log(
    `${indent} |       | in the page, from the click: action answered ${stage("actionDone")}, stream asked ${stage("streamAsked")}, partial event ${stage("partialEvent")}, asked ${stage("partialAsked")}, fetched ${stage("partialFetched")}, loaded ${stage("partialLoaded")}, painted ${bm.firstPartial.toFixed(0)}; ` +
      `final event ${stage("finalEvent")}, asked ${stage("finalAsked")}, fetched ${stage("finalFetched")}, loaded ${stage("finalLoaded")}, painted ${bm.final.toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const studio = await startStudio({ SIM_LATENCY_MS: String(LATENCY), SIM_GRAIN: GRAIN, PORT: "3205", SIM_PORT: "4215" }).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(OBSERVE);
    const open = async () => {
      const page = await context.newPage();
      await page.goto(`${studio.baseUrl}/`);
      await page.getByLabel("Quality").selectOption("high");
      return page;
    };
    // Warm both paths (JIT, connections, Next's first renders).
    await direct(studio.simUrl, "1024x1024", "warm-up direct");
    const warm = await open();
    await viaBrowser(warm, "1024x1024", "warm-up studio");
    console.log(`bench:click — ${RUNS} runs per size and page, simulator latency scale ${LATENCY} ms, grain ${GRAIN}, 2 partial previews, medians\n`);
    console.log("size        | page  | direct: first partial | final   | click → first partial painted | final painted | added: first partial | final");
    for (const size of SIZES) {
      for (const kind of ["fresh", "same"] as const) {
        const d: Sample[] = [];
        const b: Sample[] = [];
        for (let i = 0; i < RUNS; i++) {
          d.push(await direct(studio.simUrl, size, `click ${size} ${kind} direct ${i}`));
          const page = kind === "fresh" ? await open() : warm;
          b.push(await viaBrowser(page, size, `click ${size} ${kind} studio ${i}`));
          if (kind === "fresh") await page.close();
        }
        report(size, kind, d, b);
      }
    }
  } finally {
    await browser.close();
    await studio.stop();
  }
}

await main();

/**
 * The history grid in a real Chromium: load LOADED items through the page's own infinite scroll,
 * then scroll at steady speeds and record every frame (requestAnimationFrame deltas): a fling from
 * the top to the bottom of all of them, a brisk scroll and a reading pace through rows not seen
 * yet (their thumbnails load from the server as they appear). The baseline, taken in the same page:
 * the same number of frames with nothing scrolling. Target: p95 frame under 16.7 ms.
 */
import { chromium, type Page } from "@playwright/test";

type Frames = { p50: number; p95: number; max: number; over16: number; over33: number; frames: number };

const FRAME_LOOP = `(async ({ frames, step }) => {
  const deltas = [];
  let last = await new Promise((r) => requestAnimationFrame(r));
  for (let i = 0; i < frames; i++) {
    if (step) window.scrollBy(0, step);
    const now = await new Promise((r) => requestAnimationFrame(r));
    deltas.push(now - last);
    last = now;
  }
  return deltas;
})`;

function summarise(deltas: number[]): Frames {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: at(50), p95: at(95), max: sorted[sorted.length - 1] ?? NaN, over16: deltas.filter((d) => d > 17.5).length, over33: deltas.filter((d) => d > 34).length, frames: deltas.length };
}

async function loadItems(page: Page, wanted: number): Promise<number> {
  let loaded = 0;
  page.on("response", async (response) => {
    if (!/\/api\/generations\?/.test(response.url()) || response.request().method() !== "GET") return;
    const body = (await response.json().catch(() => null)) as { items?: unknown[] } | null;
    loaded += body?.items?.length ?? 0;
  });
  await page.goto("/history");
  await page.getByRole("link").filter({ has: page.locator("img") }).first().waitFor();
  const started = Date.now();
  while (loaded < wanted && Date.now() - started < 300_000) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(60);
  }
  return loaded;
}

export async function scrollBench(baseUrl: string, wanted: number): Promise<string> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const page = await browser.newPage({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
    const t0 = Date.now();
    const loaded = await loadItems(page, wanted);
    const loadSeconds = (Date.now() - t0) / 1000;
    const inDom = await page.evaluate(() => document.querySelectorAll("[data-tile-index]").length);
    let thumbs = 0;
    page.on("response", (response) => void (/\/thumb$/.test(response.url()) && (thumbs += 1)));
    const height = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    const frames = 600;
    const settleAt = async (y: number) => {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await page.waitForTimeout(1500);
    };
    await settleAt(0);
    const idle = summarise(await page.evaluate(`${FRAME_LOOP}({ frames: ${frames}, step: 0 })`));
    const runs: [string, Frames, number][] = [];
    for (const [name, from, step] of [
      [`fling, all ${height} px`, 0, Math.ceil(height / frames)],
      ["brisk, 60 px a frame (3,600 px/s)", Math.round(height / 3), 60],
      ["reading, 20 px a frame (1,200 px/s)", Math.round((2 * height) / 3), 20],
    ] as const) {
      await settleAt(from);
      const before = thumbs;
      const frameTimes = await page.evaluate(`${FRAME_LOOP}({ frames: ${frames}, step: ${step} })`);
      runs.push([`scrolling: ${name}`, summarise(frameTimes as number[]), thumbs - before]);
    }
    const line = (name: string, f: Frames) =>
      `  ${name.padEnd(46)} p50 ${f.p50.toFixed(1).padStart(5)} ms  p95 ${f.p95.toFixed(1).padStart(5)} ms  max ${f.max.toFixed(1).padStart(6)} ms  ` +
      `${f.over16} of ${f.frames} frames over one vsync, ${f.over33} over two${name.startsWith("scrolling") && f.p95 > 17.5 ? "  (p95 is a dropped frame: over the 16.7 ms target)" : ""}`;
    return [
      `history grid in Chromium: ${loaded} items loaded by infinite scroll in ${loadSeconds.toFixed(1)} s; ${inDom} tiles in the DOM at the end (virtualised)`,
      line("baseline, same page, not scrolling", idle),
      ...runs.map(([name, f, fetched]) => `${line(name, f)}; ${fetched} thumbnails fetched`),
    ].join("\n");
  } finally {
    await browser.close();
  }
}

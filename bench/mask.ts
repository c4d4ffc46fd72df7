/**
 * `npm run bench:mask`: the mask editor on a 3840x2160 image in Chromium, on the production build.
 * 1,000 stroke segments painted with the real mouse on `Mask canvas`: the time the page's own
 * pointer handling takes per segment (a window capture listener to a window bubble listener around
 * each pointermove, divided by its coalesced segments), and the frame times while painting; the
 * baseline, in the same page and run, is the same moves over an element with no editor behind it.
 * Then the export of the mask as PNG (the `mask:export` User Timing measure), and on the server the
 * guard's measurement and composite of a 4K result (lib/images/fidelity.ts) beside a plain decode
 * of the same three images. Targets: under 4 ms a segment, export under 300 ms. Prints figures.
 */
import { chromium, type Page } from "@playwright/test";
import sharp from "sharp";
import { compositeProtected, measureFidelity } from "@/lib/images/fidelity";
import { addGrain, drawPicture, encodeRaster } from "../simulator/draw";
import { median, startStudio } from "./harness";

const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const INSTRUMENT = `
  window.__seg = { busy: 0, events: 0, segments: 0, started: NaN };
  window.addEventListener("pointermove", (e) => { window.__seg.started = performance.now(); window.__seg.segments += e.getCoalescedEvents ? Math.max(1, e.getCoalescedEvents().length) : 1; }, true);
  window.addEventListener("pointermove", () => { window.__seg.busy += performance.now() - window.__seg.started; window.__seg.events += 1; }, false);
  window.__frames = [];
  (function loop(last) { requestAnimationFrame((now) => { if (window.__recording) window.__frames.push(now - last); loop(now); }); })(performance.now());
`;

type Painting = { perSegment: number; segments: number; events: number; frameP50: number; frameP95: number; frameMax: number };

async function paint(page: Page, box: { x: number; y: number; width: number; height: number }, down: boolean): Promise<Painting> {
  await page.evaluate(() => Object.assign(window as unknown as Record<string, unknown>, { __seg: { busy: 0, events: 0, segments: 0, started: NaN }, __frames: [], __recording: true }));
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.1);
  if (down) await page.mouse.down();
  for (let i = 0; i < SEGMENTS; i++) {
    // A zig-zag over the image, 1,000 moves of about 40 screen pixels.
    const t = i / SEGMENTS;
    const row = Math.floor(t * 10);
    const along = (t * 10) % 1;
    await page.mouse.move(box.x + box.width * (0.1 + 0.8 * (row % 2 ? 1 - along : along)), box.y + box.height * (0.1 + 0.08 * row));
  }
  if (down) await page.mouse.up();
  await page.waitForTimeout(200);
  const { seg, frames } = await page.evaluate(() => {
    const w = window as unknown as { __seg: { busy: number; events: number; segments: number }; __frames: number[]; __recording: boolean };
    w.__recording = false;
    return { seg: w.__seg, frames: w.__frames };
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { perSegment: seg.busy / Math.max(1, seg.segments), segments: seg.segments, events: seg.events, frameP50: at(0.5), frameP95: at(0.95), frameMax: sorted.at(-1) ?? NaN };
}

async function browserBench(baseUrl: string, imageId: string): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const page = await browser.newPage({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    await page.goto(`/edit?image=${imageId}`);
    const canvas = page.getByLabel("Mask canvas");
    await canvas.waitFor();
    await page.waitForTimeout(1000);
    const box = (await canvas.boundingBox())!;
    const header = (await page.locator("header").boundingBox())!;
    const baseline = await paint(page, header, false);
    const painted = await paint(page, box, true);
    await page.getByLabel("Prompt").fill("bench: export the mask");
    await page.getByRole("button", { name: "Apply edit" }).click();
    await page.waitForFunction(() => performance.getEntriesByName("mask:export").length > 0, null, { timeout: 60_000 });
    const exportMs = await page.evaluate(() => performance.getEntriesByName("mask:export")[0]!.duration);
    const line = (name: string, p: Painting) =>
      `  ${name.padEnd(44)} ${p.perSegment.toFixed(3).padStart(7)} ms a segment (${p.segments} segments in ${p.events} events)  frames p50 ${p.frameP50.toFixed(1)} p95 ${p.frameP95.toFixed(1)} max ${p.frameMax.toFixed(1)} ms`;
    return [
      `mask editor on 3840x2160 in Chromium (the mask canvas shown ${Math.round(box.width)}x${Math.round(box.height)} px):`,
      line("baseline: the same moves, no editor below", baseline),
      line("painting with the brush", painted),
      `  painting adds ${(painted.perSegment - baseline.perSegment).toFixed(3)} ms a segment (target under 4 ms: ${painted.perSegment - baseline.perSegment < 4 ? "met" : "NOT met"})`,
      `  export of the 3840x2160 mask as PNG: ${exportMs.toFixed(0)} ms (target under 300 ms: ${exportMs < 300 ? "met" : "NOT met"})`,
    ];
  } finally {
    await browser.close();
  }
}

async function serverBench(): Promise<string[]> {
  const [width, height] = [3840, 2160];
  const source = await encodeRaster(addGrain(await drawPicture({ seed: "bench-source", caption: "source", width, height, transparent: false }), 6), { format: "png", compression: 100, grained: true });
  const result = await encodeRaster(addGrain(await drawPicture({ seed: "bench-result", caption: "result", width, height, transparent: false }), 6), { format: "png", compression: 100, grained: true });
  const alpha = Buffer.alloc(width * height, 255);
  for (let y = 540; y < 1620; y++) alpha.fill(0, y * width + 960, y * width + 2880);
  const mask = await sharp(Buffer.alloc(width * height * 3), { raw: { width, height, channels: 3 } }).joinChannel(alpha, { raw: { width, height, channels: 1 } }).png().toBuffer();
  const time = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await work();
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const decode = await time(() => Promise.all([source, result, mask].map((b) => sharp(b).raw().toBuffer())));
  const measure = await time(() => measureFidelity(source, result, mask));
  const both = await time(async () => {
    await measureFidelity(source, result, mask);
    await compositeProtected(source, result, mask, "png");
  });
  return [
    `guard on a 3840x2160 result on the server (median of ${RUNS}; PNGs of ${(result.length / 1e6).toFixed(1)} MB):`,
    `  baseline: decoding source, result and mask   ${decode.toFixed(0)} ms`,
    `  measureFidelity                              ${measure.toFixed(0)} ms`,
    `  measureFidelity then compositeProtected (PNG) ${both.toFixed(0)} ms`,
  ];
}

async function main() {
  const studio = await startStudio({ PORT: process.env.BENCH_PORT ?? "3270", SIM_PORT: process.env.BENCH_SIM_PORT ?? "4270" }, { quiet: true });
  try {
    const res = await fetch(`${studio.baseUrl}/api/generations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "bench: a 4K picture to paint a mask on", size: "3840x2160", quality: "low", partial_images: 0 }),
    });
    const { id } = (await res.json()) as { id: string };
    let detail: { status: string; images: { id: string }[] } = { status: "queued", images: [] };
    for (let i = 0; i < 600 && !["done", "failed", "cancelled"].includes(detail.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      detail = (await (await fetch(`${studio.baseUrl}/api/generations/${id}`)).json()) as typeof detail;
    }
    if (detail.status !== "done" || !detail.images[0]) throw new Error(`the 4K generation ended ${detail.status}`);
    console.log((await browserBench(studio.baseUrl, detail.images[0].id)).join("\n"));
  } finally {
    await studio.stop();
  }
  console.log((await serverBench()).join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

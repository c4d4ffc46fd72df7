import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { startStudio } from "./harness";

/**
 * `npm run bench:bundle`: the JavaScript a browser downloads on first load of `/`, gzip-compressed
 * (level 6, what Next's server sends), measured in a real Chromium. The baseline in the same run
 * is a page that ships only the framework (Next's 404 page): the difference is the studio's own.
 */
/** The aim: the studio's own JavaScript on `/`, above the framework's baseline (Next 16, React 19). */
const TARGET_OWN_KB = 12;

async function scriptsOf(baseUrl: string, path: string): Promise<{ url: string; raw: number; gzip: number }[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--disable-background-networking", "--no-first-run"] });
  try {
    const page = await browser.newPage();
    const scripts: Promise<{ url: string; raw: number; gzip: number }>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() !== "script") return;
      scripts.push(response.body().then((body) => ({ url: new URL(response.url()).pathname, raw: body.length, gzip: gzipSync(body, { level: 6 }).length })));
    });
    await page.goto(`${baseUrl}${path}`, { waitUntil: "networkidle" });
    return await Promise.all(scripts);
  } finally {
    await browser.close();
  }
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

async function main(): Promise<void> {
  const studio = await startStudio({ PORT: "3204", SIM_PORT: "4214" });
  try {
    const page = await scriptsOf(studio.baseUrl, "/");
    const framework = await scriptsOf(studio.baseUrl, "/this-page-does-not-exist");
    const sum = (list: { gzip: number }[]) => list.reduce((acc, s) => acc + s.gzip, 0);
    const frameworkUrls = new Set(framework.map((s) => s.url));
    console.log("bench:bundle — first-load JavaScript of / (gzip level 6)\n");
    for (const s of [...page].sort((a, b) => b.gzip - a.gzip)) {
      console.log(`${kb(s.gzip).padStart(7)} KB  ${frameworkUrls.has(s.url) ? "framework" : "studio   "}  ${s.url}`);
    }
    const total = sum(page);
    const baseline = sum(framework);
    console.log(`\n/ total:                 ${kb(total)} KB gzip in ${page.length} scripts`);
    console.log(`baseline (framework 404): ${kb(baseline)} KB gzip`);
    const own = (total - baseline) / 1024;
    console.log(`studio's own on /:        ${own.toFixed(1)} KB gzip (target under ${TARGET_OWN_KB} KB: ${own < TARGET_OWN_KB ? "met" : "not met"})`);
  } finally {
    await studio.stop();
  }
}

await main();

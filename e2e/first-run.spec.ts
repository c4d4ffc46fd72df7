import { lookup } from "node:dns/promises";
import net from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { expect, test, type Page } from "@playwright/test";
import { PORT, SIM_PORT } from "../playwright.config";
import { startStudio } from "../test/studio-process";

/**
 * A newcomer's first minutes: a slow link where Generate is pressed before the page's scripts have
 * arrived, the page opened at whatever name the machine answers to, and a studio that stays on
 * loopback unless told otherwise, and says so when told.
 */
async function simulatorRequests(prompt: string): Promise<number> {
  const log = (await (await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/requests`)).json()) as { path: string; body: { prompt?: string } | null }[];
  return log.filter((r) => r.path.startsWith("/v1/images") && r.body?.prompt === prompt).length;
}

/** Holds back every script of the page for `ms`, as a slow link would. */
async function holdScripts(page: Page, ms: number): Promise<void> {
  await page.route("**/_next/static/**/*.js", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Every URL the page asked for or went to, and the method and kind of every request. */
function recordTraffic(page: Page) {
  const urls: string[] = [];
  const requests: { method: string; kind: string; url: string }[] = [];
  page.on("request", (r) => {
    urls.push(r.url());
    requests.push({ method: r.method(), kind: r.resourceType(), url: r.url() });
  });
  page.on("framenavigated", (frame) => urls.push(frame.url()));
  return { urls, requests };
}

const hydrated = (page: Page) => page.waitForFunction(() => Object.keys(document.querySelector("form") ?? {}).some((key) => key.startsWith("__reactFiber")));

test("Generate pressed before the page's scripts arrive starts the generation, and the prompt never goes in a URL", async ({ page }) => {
  const prompt = "a heron waiting for the scripts";
  const traffic = recordTraffic(page);
  await holdScripts(page, 3000);
  await page.goto("/", { waitUntil: "commit" });
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByLabel("Quality").selectOption("low");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page).toHaveURL(/\/\?g=[0-9a-f-]{36}$/);
  await expect(page.getByRole("img", { name: `Generated image 1: ${prompt}` })).toBeVisible({ timeout: 30_000 });
  // The press was the browser's own form post (a document request), not the hydrated page's fetch.
  expect(traffic.requests.filter((r) => r.method === "POST" && r.kind === "document")).toHaveLength(1);
  expect(await simulatorRequests(prompt)).toBe(1);
  const words = prompt.split(" ").slice(1, 3).join(" ");
  for (const url of traffic.urls) {
    expect(url).not.toContain("prompt=");
    expect(decodeURIComponent(url.replace(/\+/g, " "))).not.toContain(words);
  }
});

test("what was typed before the scripts arrived is what Generate sends once they have", async ({ page }) => {
  const prompt = "a kingfisher typed early";
  const traffic = recordTraffic(page);
  await holdScripts(page, 2000);
  await page.goto("/", { waitUntil: "commit" });
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByLabel("Quality").selectOption("low");
  await page.getByLabel("Partial previews").fill("1");
  await hydrated(page);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("img", { name: `Generated image 1: ${prompt}` })).toBeVisible({ timeout: 30_000 });
  expect(traffic.requests.filter((r) => r.method === "POST" && r.kind === "document")).toHaveLength(0);
  const log = (await (await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/requests`)).json()) as { body: { prompt?: string; quality?: string; partial_images?: number } | null }[];
  expect(log.filter((r) => r.body?.prompt === prompt).map((r) => [r.body?.quality, r.body?.partial_images])).toEqual([["low", 1]]);
});

test.describe("with scripts off", () => {
  test.use({ javaScriptEnabled: false });

  test("the form still posts: bad values come back named, with what was typed, and nothing is sent", async ({ page }) => {
    const prompt = "eleven herons, no scripts";
    await page.goto("/");
    await page.getByLabel("Prompt").fill(prompt);
    await page.getByLabel("Images").fill("11");
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Images must be at most 10" })).toBeVisible();
    await expect(page.getByLabel("Prompt")).toHaveValue(prompt);
    await expect(page.getByLabel("Images")).toHaveValue("11");
    expect(page.url()).not.toContain("?g=");
    expect(await simulatorRequests(prompt)).toBe(0);
  });

  test("a good form starts the generation and the page shows it", async ({ page }) => {
    const prompt = "one heron, no scripts";
    await page.goto("/");
    await page.getByLabel("Prompt").fill(prompt);
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page).toHaveURL(/\/\?g=[0-9a-f-]{36}$/);
    await expect(page.getByRole("region", { name: "Current generation" })).toBeVisible();
    await expect.poll(() => simulatorRequests(prompt)).toBe(1);
  });
});

/** This machine's addresses beyond loopback. */
function outsideAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => !i.internal && i.family === "IPv4").map((i) => i.address));
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    const answer = (connected: boolean) => {
      resolve(connected);
      socket.destroy();
    };
    socket.once("connect", () => answer(true));
    socket.once("error", () => answer(false));
    socket.once("timeout", () => answer(false));
  });
}

test("opened at localhost or the machine's name, the page works too", async ({ page }) => {
  const names = ["localhost", hostname()];
  for (const name of names) {
    const addresses = (await lookup(name, { all: true })).map((entry) => entry.address);
    // A name that resolves beyond loopback needs HOST (the README says so); loopback names must work.
    if (!addresses.some((address) => address.startsWith("127.") || address === "::1")) continue;
    const prompt = `opened at ${name}`;
    await page.goto(`http://${name}:${PORT}/`);
    await expect(page.getByRole("note").filter({ hasText: /open to the network/i })).toHaveCount(0);
    await page.getByLabel("Prompt").fill(prompt);
    await page.getByLabel("Quality").selectOption("low");
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByRole("img", { name: `Generated image 1: ${prompt}` })).toBeVisible({ timeout: 30_000 });
  }
});

test("without HOST the studio takes no connection on this machine's other addresses", async () => {
  const outside = outsideAddresses();
  test.skip(outside.length === 0, "this machine has no address beyond loopback to try");
  expect(await connects("127.0.0.1", PORT)).toBe(true);
  for (const address of outside) expect(await connects(address, PORT), `connected at ${address}:${PORT}`).toBe(false);
});

test("with a HOST beyond loopback it warns at start, and every page says the studio is open", async ({ page }) => {
  test.setTimeout(120_000);
  const studio = await startStudio({ HOST: "0.0.0.0", PORT: "3141", SIM_PORT: "4141" }, { quiet: true });
  try {
    await expect.poll(() => studio.output()).toMatch(/WARNING: HOST=0\.0\.0\.0 \(0\.0\.0\.0\) opens the studio to the network, and it has no sign-in/);
    await page.goto(`${studio.baseUrl}/`);
    await expect(page.getByRole("note").filter({ hasText: "Open to the network without sign-in" })).toBeVisible();
    await page.goto(`${studio.baseUrl}/no-such-page`);
    await expect(page.getByRole("note").filter({ hasText: "Open to the network without sign-in" })).toBeVisible();
    for (const address of outsideAddresses()) expect(await connects(address, 3141), `no connection at ${address}:3141`).toBe(true);
  } finally {
    await studio.stop();
  }
});

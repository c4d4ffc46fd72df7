import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import yauzl from "yauzl";
import { formatCost } from "../components/usage/format";

/**
 * History, as a person uses it: two generations made in the studio, one found by search, opened,
 * favourited, downloaded (the file is the image's bytes), both downloaded as a ZIP, the other
 * deleted; the usage page's total agrees with the generations' own costs; the estimate beside
 * Generate rests on the history.
 */
const HARBOUR = "a quiet harbour at dawn, history walk";
const FOX = "a red fox in deep snow, history walk";

async function generate(page: Page, prompt: string): Promise<string> {
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("img", { name: `Generated image 1: ${prompt}` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /done/i })).toBeVisible();
  return new URL(page.url()).searchParams.get("g")!;
}

function zipEntries(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("no zip"));
      const entries = new Map<string, Buffer>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(entries));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** Every generation's cost, summed over the whole history (the rows the usage totals rest on). */
async function historyCost(request: APIRequestContext): Promise<number> {
  let total = 0;
  for (let cursor: string | null = "", first = true; first || cursor; first = false) {
    const page = (await (await request.get(`/api/generations?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).json()) as { items: { costUsd: number | null }[]; nextCursor: string | null };
    total += page.items.reduce((sum, item) => sum + (item.costUsd ?? 0), 0);
    cursor = page.nextCursor;
  }
  return total;
}

test("generate two, find one, favourite and download it, ZIP both, delete the other; usage and estimate follow", async ({ page, request }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await page.getByLabel("Quality").selectOption("low");
  await expect(page.getByLabel("Estimate")).toContainText("$");

  const harbour = await generate(page, HARBOUR);
  const fox = await generate(page, FOX);

  // The studio: the recent strip links both; the estimate now rests on past generations like these.
  const recent = page.getByRole("list", { name: "Recent generations" });
  await expect(recent.getByRole("link", { name: FOX })).toHaveAttribute("href", `/history/${fox}`);
  await expect(recent.getByRole("link", { name: HARBOUR })).toHaveAttribute("href", `/history/${harbour}`);
  await expect(page.getByLabel("Estimate")).toContainText(/from \d+ past generations? like it/);

  // Usage: the period's total is the sum of the generations' own costs.
  const expected = await historyCost(request);
  expect(expected).toBeGreaterThan(0);
  await page.getByRole("navigation").getByRole("link", { name: "Usage" }).click();
  await expect(page).toHaveURL(/\/usage/);
  const totalRow = page.getByRole("table").locator("tfoot tr");
  await expect(totalRow).toContainText(formatCost(expected));
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /format=csv/);

  // History: search with other capitals finds the harbour and not the fox.
  await page.getByRole("navigation").getByRole("link", { name: "History" }).click();
  await page.getByLabel("Search").fill("HARBOUR Dawn");
  const harbourTile = page.getByRole("link", { name: HARBOUR });
  await expect(harbourTile).toBeVisible();
  await expect(page.getByRole("link", { name: FOX })).toHaveCount(0);
  await expect(page).toHaveURL(/q=HARBOUR/);

  // Its detail: favourite it, download it.
  await harbourTile.click();
  await expect(page).toHaveURL(`/history/${harbour}`);
  await expect(page.getByText(HARBOUR).first()).toBeVisible();
  const favorite = page.getByRole("button", { name: "Favorite" });
  await expect(favorite).toHaveAttribute("aria-pressed", "false");
  await favorite.click();
  await expect(favorite).toHaveAttribute("aria-pressed", "true");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^\d{4}-\d{2}-\d{2}_\d{4}_a-quiet-harbour-at-dawn-history-walk\.png$/);
  const src = await page.getByRole("img", { name: /^Generated image 1/ }).getAttribute("src");
  const original = await (await request.get(src!)).body();
  expect(readFileSync((await download.path())!).equals(original)).toBe(true);

  // Favourites only: the harbour stays, the fox goes; the filter survives a reload.
  await page.goto("/history?q=history%20walk");
  await expect(page.getByRole("link", { name: FOX })).toBeVisible();
  await page.getByLabel("Favorites only").check();
  await expect(page.getByRole("link", { name: FOX })).toHaveCount(0);
  await expect(page.getByRole("link", { name: HARBOUR })).toBeVisible();
  await expect(page).toHaveURL(/favorite=true/);
  await page.reload();
  await expect(page.getByLabel("Favorites only")).toBeChecked();
  await expect(page.getByRole("link", { name: FOX })).toHaveCount(0);

  // Both as one ZIP: their bytes, and their parameters in metadata.json.
  await page.getByLabel("Favorites only").uncheck();
  await expect(page.getByRole("link", { name: FOX })).toBeVisible();
  const boxes = page.getByRole("checkbox", { name: "Select" });
  await expect(boxes).toHaveCount(2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const [zip] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download ZIP" }).click()]);
  const entries = await zipEntries((await zip.path())!);
  const names = [...entries.keys()].sort();
  expect(names).toHaveLength(3);
  expect(names).toContain("metadata.json");
  const metadata = JSON.parse(entries.get("metadata.json")!.toString("utf8")) as { generations: { id: string; prompt: string; quality: string }[] };
  expect(metadata.generations.map((g) => [g.id, g.prompt, g.quality]).sort()).toEqual([[harbour, HARBOUR, "low"], [fox, FOX, "low"]].sort());
  expect([...entries.values()].some((bytes) => bytes.equals(original))).toBe(true);

  // Delete the fox from its detail page, after confirming.
  await page.goto(`/history/${fox}`);
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/history(\?|$)/);
  expect((await request.get(`/api/generations/${fox}`)).status()).toBe(404);
  await page.goto("/history?q=history%20walk");
  await expect(page.getByRole("link", { name: HARBOUR })).toBeVisible();
  await expect(page.getByRole("link", { name: FOX })).toHaveCount(0);

  // Regenerate: a new generation with the same parameters, followed in the studio.
  await page.getByRole("link", { name: HARBOUR }).click();
  await page.getByRole("button", { name: "Regenerate" }).click();
  await expect(page).toHaveURL(/\/\?g=[0-9a-f-]{36}$/);
  const again = new URL(page.url()).searchParams.get("g")!;
  expect(again).not.toBe(harbour);
  await expect(page.getByRole("img", { name: /^Generated image 1/ })).toBeVisible();
  const [before, after] = await Promise.all([harbour, again].map(async (id) => (await (await request.get(`/api/generations/${id}`)).json()) as Record<string, unknown>));
  for (const field of ["prompt", "model", "size", "quality", "outputFormat", "background", "moderation", "n", "partialImages"]) expect(after![field], field).toEqual(before![field]);
});

test("keyboard: arrows move through the grid, Enter opens, Esc comes back", async ({ page, request }) => {
  const ids: string[] = [];
  for (const prompt of ["keyboard walk one", "keyboard walk two", "keyboard walk three"]) {
    const res = await request.post("/api/generations", { data: { prompt, quality: "low", partial_images: 0 } });
    expect(res.status()).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (const id of ids) await expect.poll(async () => ((await (await request.get(`/api/generations/${id}`)).json()) as { status: string }).status).toBe("done");
  await page.goto("/history?q=keyboard%20walk");
  const newest = page.getByRole("link", { name: "keyboard walk three" });
  await expect(newest).toBeVisible();
  await newest.focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("link", { name: "keyboard walk two" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(page.getByRole("link", { name: "keyboard walk one" })).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("link", { name: "keyboard walk two" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`/history/${ids[1]}`);
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/history\?q=keyboard/);
  await expect(page.getByRole("link", { name: "keyboard walk two" })).toBeVisible();
});

test("the detail page moves between a generation's images with the arrow keys", async ({ page, request }) => {
  const res = await request.post("/api/generations", { data: { prompt: "two views of one teapot", quality: "low", n: 2, partial_images: 0 } });
  const { id } = (await res.json()) as { id: string };
  await expect.poll(async () => ((await (await request.get(`/api/generations/${id}`)).json()) as { status: string }).status).toBe("done");
  await page.goto(`/history/${id}`);
  const first = page.getByRole("button", { name: "Image 1", exact: true });
  const second = page.getByRole("button", { name: "Image 2", exact: true });
  await expect(first).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("img", { name: /^Generated image 1 of 2/ })).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(second).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("img", { name: /^Generated image 2 of 2/ })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(first).toHaveAttribute("aria-pressed", "true");
});

test("a bad filter in the URL says what is wrong", async ({ page }) => {
  await page.goto("/history?status=exploded");
  await expect(page.getByRole("alert").filter({ hasText: /status must be one of/ })).toBeVisible();
});

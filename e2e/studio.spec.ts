import { expect, test, type Page } from "@playwright/test";
import { SIM_PORT } from "../playwright.config";

/** A person at the studio: types a prompt, watches previews then the picture, reloads, errs. */
async function simulatorRequests(prompt: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/requests`);
  const log = (await res.json()) as { path: string; body: { prompt?: string } | null }[];
  return log.filter((r) => r.path.startsWith("/v1/images") && r.body?.prompt === prompt).length;
}

async function generate(page: Page, prompt: string) {
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
}

test("type a prompt, see a partial preview and then the final image", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText(/simulator/i).first()).toBeVisible();
  await page.getByLabel("Quality").selectOption("low");
  await generate(page, "a paper boat on a pond");
  await expect(page.getByRole("status")).toContainText(/queued|generating|partial/i);
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  const final = page.getByRole("img", { name: /^Generated image/ });
  await expect(final).toBeVisible();
  await expect(page.getByRole("status")).toContainText(/done/i);
  expect(await final.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth])).toEqual([true, 1024]);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeHidden();
  expect(await simulatorRequests("a paper boat on a pond")).toBe(1);
});

test("reload the page mid-generation and see it finish", async ({ page }) => {
  await page.goto("/");
  await generate(page, "a slow sunrise over hills");
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await expect(page.getByRole("img", { name: /^Generated image/ })).toHaveCount(0);
  await expect(page).toHaveURL(/\?g=/);
  await page.reload();
  await expect(page.getByRole("img", { name: /^Generated image/ })).toBeVisible();
  await expect(page.getByRole("status")).toContainText(/done/i);
  expect(await simulatorRequests("a slow sunrise over hills")).toBe(1);
});

test("close the tab mid-generation, come back to the studio and see it finish", async ({ page, context }) => {
  await page.goto("/");
  await generate(page, "a patient snail crossing a leaf");
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await page.close();
  const again = await context.newPage();
  await again.goto("/");
  await expect(again.getByRole("img", { name: /^Generated image/ })).toBeVisible();
  await expect(again.getByRole("status")).toContainText(/done/i);
  expect(await simulatorRequests("a patient snail crossing a leaf")).toBe(1);
});

test("an invalid custom size is refused with a message before anything is sent", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Size").selectOption("custom");
  await page.getByLabel("Width").fill("1000");
  await page.getByLabel("Height").fill("1000");
  await expect(page.getByText("Width and height must both be divisible by 16").first()).toBeVisible();
  await generate(page, "never leaves the browser");
  // Next's route announcer is also role=alert (and empty): pick ours by its text.
  await expect(page.getByRole("alert").filter({ hasText: /divisible by 16/ })).toBeVisible();
  await expect(page).not.toHaveURL(/\?g=/);
  expect(await simulatorRequests("never leaves the browser")).toBe(0);
});

test("a refusal from the gateway shows its message and code", async ({ page }) => {
  await page.goto("/");
  await generate(page, "refused please [[sim:moderation]]");
  const alert = page.getByRole("alert").filter({ hasText: /safety system/ });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("moderation_blocked");
  await expect(page.getByRole("status")).toContainText(/failed/i);
});

test("a failing 4K request walks the fallback ladder and says which step made the image", async ({ page }) => {
  const prompt = "a wide alpine panorama, ladder";
  const faults = ["status:502", "status:502", "status:502", "status:503", "status:503", "status:503", "ok"];
  await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ match: prompt, faults }) });
  await page.goto("/");
  await page.getByLabel("Size").selectOption("2048x2048");
  await page.getByLabel("Quality").selectOption("high");
  await page.getByLabel("Partial previews").fill("0");
  await generate(page, prompt);
  await expect(page.getByRole("status")).toContainText(/retrying|falling back/i);
  await expect(page.getByRole("img", { name: /^Generated image/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("fallback: drawn small at medium quality, then upscaled")).toBeVisible();
  await expect(page.getByText(/returned less than asked: drawn at 1024x1024 and upscaled to 2048x2048/)).toBeVisible();
  expect(await simulatorRequests(prompt)).toBe(7);
});

test("cancel a running generation", async ({ page }) => {
  await page.goto("/");
  await generate(page, "a stalled request [[sim:stall-mid]]");
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("status")).toContainText(/cancelled/i);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeHidden();
});

test("bad input in the form is named field by field, and nothing is sent", async ({ page }) => {
  await page.goto("/");
  const alerts = page.getByRole("alert");
  const cases: { fill: () => Promise<void>; message: RegExp; prompt: string }[] = [
    { prompt: "", fill: async () => undefined, message: /Prompt is empty/ },
    { prompt: "ui bad images", fill: () => page.getByLabel("Images").fill("11"), message: /Images must be at most 10/ },
    { prompt: "ui bad partials", fill: () => page.getByLabel("Partial previews").fill("4"), message: /Partial previews must be at most 3/ },
    {
      prompt: "ui bad compression",
      fill: async () => {
        await page.getByLabel("Format").selectOption("jpeg");
        await page.getByLabel("Compression").fill("101");
      },
      message: /Compression must be at most 100/,
    },
    {
      prompt: "ui bad edge",
      fill: async () => {
        await page.getByLabel("Size").selectOption("custom");
        await page.getByLabel("Width").fill("4000");
        await page.getByLabel("Height").fill("2000");
      },
      message: /longest edge must be at most 3840/,
    },
    { prompt: "hardcore porn scene", fill: async () => undefined, message: /not sent: it asks for explicit nudity or sex acts/ },
  ];
  for (const c of cases) {
    await page.reload();
    await c.fill();
    await generate(page, c.prompt);
    await expect(alerts.filter({ hasText: c.message })).toBeVisible();
    await expect(page).not.toHaveURL(/\?g=/);
    if (c.prompt) expect(await simulatorRequests(c.prompt)).toBe(0);
  }
});

test("the gateway key never reaches the browser", async ({ page }) => {
  const bodies: string[] = [];
  page.on("response", async (response) => {
    const type = response.request().resourceType();
    if (type === "script" || type === "document" || type === "fetch") bodies.push(await response.text().catch(() => ""));
  });
  await page.goto("/", { waitUntil: "networkidle" });
  await page.getByLabel("Prompt").focus(); // loads the lazily imported form checks too
  await page.waitForLoadState("networkidle");
  expect(bodies.length).toBeGreaterThan(3);
  for (const body of bodies) {
    expect(body).not.toContain("sk-sim-local");
    expect(body).not.toMatch(/GATEWAY_API_KEY|SIMULATOR_API_KEY/);
  }
});

import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { SIM_PORT } from "../playwright.config";

/**
 * The mask editor as a person uses it: from a studio result to a painted, undone, redone,
 * rectangled and inverted mask, an edit that streams and lands in history with its lineage and a
 * compare slider; the guard's flag when the gateway ignores the mask; an uploaded image edited
 * with a reference.
 */
type Logged = { path: string; body: { prompt?: string } | null; parts?: { field: string; width?: number; height?: number; hasAlpha?: boolean; transparentShare?: number }[] };

async function editRequests(prompt: string): Promise<Logged[]> {
  const log = (await (await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/requests`)).json()) as Logged[];
  return log.filter((r) => r.path === "/v1/images/edits" && r.body?.prompt === prompt);
}

async function scriptFaults(match: string, faults: string[]) {
  await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ match, faults }) });
}

/** Drags on the mask canvas between two points given as fractions of its box. */
async function drag(page: Page, from: [number, number], to: [number, number], steps = 12) {
  const box = (await page.getByLabel("Mask canvas").boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps });
  await page.mouse.up();
}

async function applyEdit(page: Page, prompt: string) {
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByRole("button", { name: "Apply edit" }).click();
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await expect(page.getByRole("img", { name: /^Generated image 1/ })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /done/i })).toBeVisible();
}

test("edit a studio result: paint, undo, redo, rectangle, invert, apply; the flag, the lineage and the compare slider", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await page.getByLabel("Quality").selectOption("low");
  await page.getByLabel("Prompt").fill("a tidy desk with a lamp, edit walk");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByRole("img", { name: /^Generated image 1/ })).toBeVisible();
  await page.getByRole("link", { name: "Edit" }).first().click();
  await expect(page).toHaveURL(/\/edit\?image=/);

  const canvas = page.getByLabel("Mask canvas");
  await expect(canvas).toBeVisible();
  await expect(page.getByRole("button", { name: "Brush" })).toHaveAttribute("aria-pressed", "true");
  await drag(page, [0.2, 0.2], [0.5, 0.3]);
  await page.getByRole("button", { name: "Undo" }).click();
  await page.getByRole("button", { name: "Redo" }).click();
  await page.getByRole("button", { name: "Rectangle" }).click();
  await expect(page.getByRole("button", { name: "Rectangle" })).toHaveAttribute("aria-pressed", "true");
  await drag(page, [0.6, 0.6], [0.9, 0.9]);
  await page.getByRole("button", { name: "Invert mask" }).click();
  await expect(page.getByLabel("Protect unmasked area")).toBeChecked();

  // The gateway ignores the mask: the guard says how much of the protected area it changed.
  const flagged = "make the lamp glow warmly, edit walk";
  await scriptFaults(flagged, ["ignore-mask"]);
  await applyEdit(page, flagged);
  await expect(page.getByRole("alert").filter({ hasText: /changed \d+% of the protected area/ })).toBeVisible();
  const [sent] = await editRequests(flagged);
  const mask = sent!.parts!.find((p) => p.field === "mask")!;
  expect([mask.width, mask.height, mask.hasAlpha]).toEqual([1024, 1024, true]);
  // Inverted: the stroke and the rectangle are protected, everything else is open to the edit.
  expect(mask.transparentShare).toBeGreaterThan(0.6);
  expect(mask.transparentShare).toBeLessThan(0.99);
  expect(sent!.parts!.filter((p) => p.field === "image[]")).toHaveLength(1);

  // Its history: the source both ways, and the compare slider.
  await page.getByRole("link", { name: "Open this edit in history" }).click();
  await expect(page).toHaveURL(/\/history\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("slider", { name: "Compare" })).toBeVisible();
  await page.getByRole("link", { name: "Source image" }).click();
  await expect(page.getByRole("list", { name: "Edits" }).getByRole("link")).toHaveCount(1);
});

test("upload an image and edit it with a reference", async ({ page }) => {
  const picture = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: "#3a6ea5" } }).png().toBuffer();
  const reference = await sharp({ create: { width: 512, height: 512, channels: 3, background: "#e0b040" } }).jpeg().toBuffer();
  await page.goto("/edit");
  await page.getByLabel("Image to edit").setInputFiles({ name: "sky.png", mimeType: "image/png", buffer: picture });
  await expect(page.getByLabel("Mask canvas")).toBeVisible();
  await page.getByLabel("Reference images").setInputFiles({ name: "sun.jpg", mimeType: "image/jpeg", buffer: reference });
  await expect(page.getByRole("button", { name: "Remove reference" })).toHaveCount(1);
  const prompt = "put the sun from the reference into the sky, edit walk";
  await applyEdit(page, prompt);
  const [sent] = await editRequests(prompt);
  expect(sent!.parts!.filter((p) => p.field === "image[]").map((p) => [p.width, p.height])).toEqual([[1024, 1024], [512, 512]]);
  expect(sent!.parts!.some((p) => p.field === "mask")).toBe(false);
});

test("a text file named .png is refused with its name, and nothing is sent", async ({ page }) => {
  await page.goto("/edit");
  await page.getByLabel("Image to edit").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("just some text, not a picture") });
  await expect(page.getByRole("alert").filter({ hasText: /notes\.png/ })).toBeVisible();
});

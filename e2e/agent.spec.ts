import { expect, test, type Page } from "@playwright/test";
import { SIM_PORT } from "../playwright.config";

/**
 * Agent mode as a person uses it: a conversation whose text streams in, a picture drawn through
 * the image tool (a partial, then the image), a second message that changes that picture, a
 * reload mid-turn that picks the turn back up, and the image opened in history. The simulator's
 * log shows what each request resent.
 */
type Logged = { path: string; body: { messages?: { role: string; text: string; images: number }[]; previousResponseId?: string | null; inputImages?: unknown[] } | null };

async function responsesRequests(): Promise<Logged[]> {
  const log = (await (await fetch(`http://127.0.0.1:${SIM_PORT}/__sim/requests`)).json()) as Logged[];
  return log.filter((r) => r.path === "/v1/responses");
}

async function send(page: Page, text: string) {
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

const generated = (page: Page) => page.getByRole("img", { name: /^Generated image/ });

test("a conversation: streamed text, a partial then the image, a follow-up that changes it, a reload mid-turn", async ({ page }) => {
  test.setTimeout(120_000);
  const before = (await responsesRequests()).length;
  await page.goto("/");
  await page.getByRole("navigation").getByRole("link", { name: "Agent" }).click();
  await expect(page).toHaveURL(/\/agent/);
  await page.getByRole("button", { name: "New conversation" }).click();
  await expect(page).toHaveURL(/\/agent\?c=[0-9a-f-]{36}/);

  await send(page, "draw a lighthouse on a cliff at dusk");
  const conversation = page.getByRole("list", { name: "Conversation so far" });
  // The text streams before the picture: it is on the page while no image is yet.
  await expect(conversation).toContainText("Here is a new picture");
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await expect(generated(page)).toHaveCount(1);
  await expect(page.getByRole("status")).toContainText(/done/i);

  await send(page, "now make it warmer");
  await expect(generated(page)).toHaveCount(2);
  await expect(page.getByRole("status")).toContainText(/done/i);

  // A reload mid-turn: the view reattaches and the turn finishes.
  await send(page, "make a vertical version");
  await expect(page.getByRole("img", { name: /^Partial preview/ }).first()).toBeVisible();
  await page.reload();
  await expect(generated(page)).toHaveCount(3);
  await expect(page.getByRole("status")).toContainText(/done/i);

  // Every request was rebuilt from the conversation: earlier messages, the latest image, never previous_response_id.
  const sent = (await responsesRequests()).slice(before);
  expect(sent).toHaveLength(3);
  expect(sent.map((r) => r.body?.previousResponseId ?? null)).toEqual([null, null, null]);
  expect(sent.map((r) => r.body?.messages?.filter((m) => m.role === "user").length)).toEqual([1, 2, 3]);
  expect(sent[1]!.body?.inputImages).toHaveLength(1);
  expect(sent[2]!.body?.inputImages).toHaveLength(1);

  // The ledger keeps the text model and the image tool apart: the usage page's groups by model show both.
  const usage = (await (await page.request.get("/api/usage?group=model")).json()) as { rows: { key: string; requests: number; costUsd: number }[] };
  const byModel = new Map(usage.rows.map((r) => [r.key, r]));
  expect(byModel.get("gpt-5.5")?.costUsd).toBeGreaterThan(0);
  expect(byModel.get("gpt-image-2")?.costUsd).toBeGreaterThan(0);

  // The image is an ordinary generation in history.
  await generated(page).first().click();
  await expect(page).toHaveURL(/\/history\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("img", { name: /^Generated image 1/ })).toBeVisible();
});

test("an image picked from history goes with the message", async ({ page }) => {
  const before = (await responsesRequests()).length;
  await page.goto("/agent");
  await page.getByRole("button", { name: "New conversation" }).click();
  await expect(page).toHaveURL(/\/agent\?c=/);
  await page.getByRole("button", { name: "Pick from history" }).click();
  const dialog = page.getByRole("dialog", { name: "Pick from history" });
  const first = dialog.getByRole("button", { name: /^Pick / }).first();
  await first.click();
  await expect(first).toHaveAttribute("aria-pressed", "true");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("list", { name: "Chosen images" }).getByRole("img")).toHaveCount(1);
  await send(page, "add a moon to this picture");
  await expect(generated(page)).toHaveCount(1);
  const [sent] = (await responsesRequests()).slice(before);
  expect(sent!.body?.inputImages).toHaveLength(1);
});

test("a refusal ends the turn with the contract's message and is not retried", async ({ page }) => {
  const before = (await responsesRequests()).length;
  await page.goto("/agent");
  await page.getByRole("button", { name: "New conversation" }).click();
  await expect(page).toHaveURL(/\/agent\?c=/);
  await send(page, "draw something refused [[sim:moderation]]");
  const alert = page.getByRole("alert").filter({ hasText: /moderation_blocked/ });
  await expect(alert).toBeVisible();
  await expect(page.getByRole("status")).toContainText(/failed/i);
  expect((await responsesRequests()).length - before).toBe(1);
});

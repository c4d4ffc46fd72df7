import { expect, test } from "@playwright/test";

/**
 * A budget saved on the usage page: the studio says what is left beside Generate and refuses a
 * generation the budget cannot pay for, before anything is sent. Budgets go back to none at the
 * end: the other specs share this studio.
 */
test.afterEach(async ({ request }) => {
  await request.put("/api/budgets", { data: { dailyUsd: null, monthlyUsd: null } });
});

test("save a daily budget, see what is left beside Generate, and be refused past it", async ({ page }) => {
  await page.goto("/usage");
  await page.getByLabel("Daily budget").fill("-1");
  await page.getByLabel("Monthly budget").fill("12.34567");
  await page.getByRole("button", { name: "Save budgets" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Daily budget/ })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: /Monthly budget/ })).toBeVisible();
  expect(((await (await page.request.get("/api/budgets")).json()) as { source: string }).source).toBe("settings");

  await page.getByLabel("Daily budget").fill("0.0001");
  await page.getByLabel("Monthly budget").fill("");
  await page.getByRole("button", { name: "Save budgets" }).click();
  await expect(page.getByRole("status").filter({ hasText: /saved/i })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Daily budget")).toHaveValue("0.0001");

  await page.getByRole("navigation").getByRole("link", { name: "Studio" }).click();
  await expect(page.getByLabel("Estimate")).toContainText(/Daily budget: \$0\.\d{4} left of \$0\.0001 — not enough for this one/);
  await page.getByLabel("Prompt").fill("over the budget, never sent");
  await page.getByRole("button", { name: "Generate" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: /daily budget/ });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText("budget_exceeded");
  await expect(page).not.toHaveURL(/\?g=/);
});

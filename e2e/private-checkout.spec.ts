import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Root with the studio cloned under a private folder (/root is 0700, as is every `mktemp -d`):
 * PostgreSQL refuses to run as root and runs as the `postgres` user, which cannot enter the
 * checkout. The README's start must still work, and when the programs cannot be made reachable
 * at all, it must end with a message saying what to do, not a crash.
 */
test.skip(process.getuid?.() !== 0, "the postgres user stands in the way only of root");
test.describe.configure({ mode: "serial" });

const root = path.resolve(import.meta.dirname, "..");
let home: string;
let checkout: string;

/**
 * The project as a fresh clone under a 0700 folder: every file git knows (committed or not),
 * node_modules linked file by file (hard links: the same bytes at a path under the private folder),
 * and the production build copied, so the start finds it current.
 */
test.beforeAll(() => {
  // Hard links need one file system: when the temporary folder is on another, the private folder
  // is made inside the project (ignored by git, the type check, lint and vitest).
  home = mkdtempSync(path.join(tmpdir(), "studio-private-home-"));
  if (!linkModules(home)) {
    rmSync(home, { recursive: true, force: true });
    home = mkdtempSync(path.join(root, ".e2e-private-"));
    expect(linkModules(home)).toBe(true);
  }
  expect(statSync(home).mode & 0o777).toBe(0o700);
  const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" }).stdout.split("\0").filter(Boolean);
  for (const file of files) if (existsSync(path.join(root, file))) cpSync(path.join(root, file), path.join(checkout, file));
  cpSync(path.join(root, ".next"), path.join(checkout, ".next"), { recursive: true, filter: (source) => !/[/\\]\.next[/\\](cache|dev)$/.test(source) });
});

function linkModules(at: string): boolean {
  checkout = path.join(at, "studio");
  mkdirSync(checkout);
  return spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(checkout, "node_modules")]).status === 0;
}
test.afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `npm start`'s command in the private checkout; resolves with its output once it is ready or has ended. */
function startThere(env: Record<string, string>) {
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: "", GATEWAY_API_KEY: "", API_KEY: "", HOST: "", SIM_LATENCY_MS: "100", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ended = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<boolean>((resolve) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Image Studio is ready")) resolve(true);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    void ended.then(() => resolve(false));
  });
  return { ready, ended, output: () => output, stop: () => (child.kill("SIGTERM"), ended) };
}

test("as root, the studio starts from a checkout in a private folder and makes a picture", async ({ page }) => {
  test.setTimeout(180_000);
  // A throwaway stand-in for /var/lib/image-studio, reachable by the postgres user as that one is.
  const system = mkdtempSync(path.join(tmpdir(), "studio-system-"));
  chmodSync(system, 0o755);
  const studio = startThere({ PORT: "3151", SIM_PORT: "4151", STUDIO_SYSTEM_DIR: system });
  try {
    expect(await studio.ready, studio.output()).toBe(true);
    expect(studio.output()).not.toContain("building the studio"); // the copied build was current
    expect(studio.output()).toContain(`running PostgreSQL from a verified copy in ${system}/postgres-`);
    expect(studio.output()).toContain(`the embedded database lives in ${system}/pg-`);
    const prompt = "a lamp in a private folder";
    await page.goto("http://127.0.0.1:3151/");
    await page.getByLabel("Prompt").fill(prompt);
    await page.getByLabel("Quality").selectOption("low");
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByRole("img", { name: `Generated image 1: ${prompt}` })).toBeVisible({ timeout: 30_000 });
  } finally {
    expect(await studio.stop()).toBe(0);
    rmSync(system, { recursive: true, force: true });
  }
});

test("when PostgreSQL's programs cannot be made reachable, the start ends with what to do", async () => {
  test.setTimeout(120_000);
  // The copy lands under a private folder too; the data folder itself is reachable.
  const hidden = path.join(home, "system");
  const data = mkdtempSync(path.join(tmpdir(), "studio-data-"));
  chmodSync(data, 0o755);
  try {
    const studio = startThere({ PORT: "3152", SIM_PORT: "4152", STUDIO_SYSTEM_DIR: hidden, DATA_DIR: data });
    expect(await studio.ready).toBe(false);
    expect(await studio.ended).toBe(1);
    const output = studio.output();
    expect(output).toContain('[studio] could not start: The embedded PostgreSQL runs as the "postgres" user, which can run it neither from');
    expect(output).toContain("Set DATABASE_URL to a PostgreSQL server you run");
    expect(output).not.toMatch(/Error: spawn|EmbeddedPostgresError|at \w+ \(/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

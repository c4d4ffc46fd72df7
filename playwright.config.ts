import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests drive a real Chromium against the built studio, started exactly as a person
 * would (`npm start`): a fresh embedded PostgreSQL in a temporary data folder, the local gateway
 * simulator on a known port (tests read its request log), the worker and Next.js.
 */
export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const SIM_PORT = Number(process.env.E2E_SIM_PORT ?? 4110);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "studio-e2e-"));
chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
process.env.E2E_DATA_DIR = dataDir; // workers re-read this file: keep one folder per run

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      PORT: String(PORT),
      SIM_PORT: String(SIM_PORT),
      SIM_LATENCY_MS: "1200",
      RETRY_BASE_MS: "200",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      GATEWAY_API_KEY: "",
      API_KEY: "",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});

import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", "data/**", ".e2e-private-*/**"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["./test/global-setup.ts"],
    fileParallelism: false,
  },
});

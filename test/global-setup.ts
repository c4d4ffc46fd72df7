import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

/**
 * One real PostgreSQL for the whole test run: TEST_DATABASE_URL when given (it must name a
 * throwaway database), else a fresh embedded cluster in a temporary folder. Migrated once.
 */
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    if (!/localhost|127\.0\.0\.1/.test(given)) throw new Error("TEST_DATABASE_URL must point at a local database: tests wipe it");
    await migrate(given);
    project.provide("databaseUrl", given);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "studio-test-pg-"));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
  const database = await startEmbeddedPostgres({ dir: path.join(dir, "pg") });
  await migrate(database.url);
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

import { defineConfig } from "prisma/config";

// Prisma 7 tries to download its native schema engine before every command; this machine has no
// route to it. `generate` only needs the variable to name an executable. Migrations are plain SQL
// applied by scripts/migrate.ts, so the schema engine is never asked to do real work.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://unused@localhost:5432/unused" },
});

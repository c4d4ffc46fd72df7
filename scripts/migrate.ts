import { migrate } from "@/lib/db/migrate";
import { withDatabase } from "./database";

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
await withDatabase(async (url) => {
  const { applied } = await migrate(url);
  console.log(applied.length > 0 ? `applied: ${applied.join(", ")}` : "the database is up to date");
});

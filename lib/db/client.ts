import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { env } from "@/lib/env";

/** One Prisma client per process, kept on globalThis so Next's dev reloads do not open new pools. */
const globalForDb = globalThis as unknown as { studioDb?: PrismaClient };

export function db(): PrismaClient {
  globalForDb.studioDb ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 }) });
  return globalForDb.studioDb;
}

export async function closeDb(): Promise<void> {
  const client = globalForDb.studioDb;
  globalForDb.studioDb = undefined;
  await client?.$disconnect();
}

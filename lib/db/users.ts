import "server-only";
import { db } from "@/lib/db/client";

/** The `users` table. */
export async function ensureUser(user: { id: string; name: string; isLocal: boolean }): Promise<string> {
  const row = await db().user.upsert({ where: { id: user.id }, create: user, update: {}, select: { id: true } });
  return row.id;
}

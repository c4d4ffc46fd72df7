import "server-only";
import { ensureUser } from "@/lib/db/users";

/**
 * Who is asking. The studio is single-user for now: everyone is the local user, created on first
 * use. Every query takes this id, so adding real sign-in changes this file only.
 */
export const LOCAL_USER_ID = "00000000-0000-4000-8000-000000000001";

const globalForUser = globalThis as unknown as { studioLocalUser?: Promise<string> };

export function currentUserId(): Promise<string> {
  globalForUser.studioLocalUser ??= ensureUser({ id: LOCAL_USER_ID, name: "Local user", isLocal: true }).catch((error: unknown) => {
    globalForUser.studioLocalUser = undefined;
    throw error;
  });
  return globalForUser.studioLocalUser;
}

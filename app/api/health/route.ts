import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { storageUsable } from "@/lib/storage/blobs";

export const dynamic = "force-dynamic";

/** 200 when the app, the database and the storage are usable; 503 naming what is not. */
export async function GET(): Promise<Response> {
  const [database, storage] = await Promise.all([
    db().$queryRaw`SELECT 1`.then(() => true, () => false),
    storageUsable(),
  ]);
  const gateway = env().gateway;
  const ok = database && storage;
  return Response.json(
    { ok, database, storage, gateway: { label: gateway.label, isSimulator: gateway.isSimulator } },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

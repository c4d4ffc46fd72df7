import { databaseAnswers } from "@/lib/db/client";
import { env } from "@/lib/env";
import { blobStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

/** 200 when the app, the database and the storage are usable; 503 naming what is not. */
export async function GET(): Promise<Response> {
  const [database, storage] = await Promise.all([
    databaseAnswers(),
    blobStore().usable(),
  ]);
  const gateway = env().gateway;
  const ok = database && storage;
  return Response.json(
    { ok, database, storage, gateway: { label: gateway.label, isSimulator: gateway.isSimulator } },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

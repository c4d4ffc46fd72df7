import "server-only";
import { EventEmitter } from "node:events";
import { Client } from "pg";
import { CONNECT_TIMEOUT_MS, KEEP_ALIVE } from "@/lib/db/connection-settings";
import { env } from "@/lib/env";

/**
 * One LISTEN connection per process, shared by every SSE stream and the worker. Subscribers get a
 * nudge; they read rows from the database themselves, so a lost notification costs latency, never
 * data (and a reconnect nudges everyone to catch up).
 */
type Hub = { emitter: EventEmitter; channels: Set<string>; ready: Promise<void> | null; client: Client | null; closed: boolean };
const globalForHub = globalThis as unknown as { studioListenHub?: Hub };

function hub(): Hub {
  globalForHub.studioListenHub ??= { emitter: new EventEmitter().setMaxListeners(0), channels: new Set(), ready: null, client: null, closed: false };
  return globalForHub.studioListenHub;
}

async function connect(h: Hub): Promise<void> {
  // No statement limits: this connection sits idle between notifications by design.
  const client = new Client({ connectionString: env().DATABASE_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...KEEP_ALIVE });
  client.on("notification", (msg) => h.emitter.emit(msg.channel, msg.payload ?? ""));
  client.on("error", () => reconnect(h, client));
  client.on("end", () => reconnect(h, client));
  await client.connect();
  // Published before LISTENing so a channel added meanwhile LISTENs itself (twice is harmless).
  h.client = client;
  for (const channel of h.channels) await client.query(`LISTEN "${channel}"`);
}

function reconnect(h: Hub, dead: Client): void {
  if (h.client !== dead || h.closed) return;
  h.client = null;
  h.ready = null;
  void dead.end().catch(() => undefined);
  const retry = () => {
    if (h.closed) return;
    ensure(h).then(
      () => {
        for (const channel of h.channels) h.emitter.emit(channel, "*");
      },
      () => setTimeout(retry, 500),
    );
  };
  setTimeout(retry, 200);
}

function ensure(h: Hub): Promise<void> {
  h.ready ??= connect(h).catch((error: unknown) => {
    h.ready = null;
    throw error;
  });
  return h.ready;
}

/** Calls `onPayload` for every NOTIFY on `channel` ("*" after a reconnect). Returns unsubscribe. */
export async function listen(channel: string, onPayload: (payload: string) => void): Promise<() => void> {
  const h = hub();
  h.closed = false;
  h.emitter.on(channel, onPayload);
  if (!h.channels.has(channel)) {
    h.channels.add(channel);
    if (h.client) await h.client.query(`LISTEN "${channel}"`);
  }
  await ensure(h);
  return () => h.emitter.off(channel, onPayload);
}

/**
 * Delivers a notification to this process's subscribers now, ahead of PostgreSQL's copy: the
 * writer's own commit answer arrives before the listening connection is woken. Subscribers see the
 * same payload twice and must ignore what they already have.
 */
export function announceLocally(channel: string, payload: string): void {
  hub().emitter.emit(channel, payload);
}

export async function closeListener(): Promise<void> {
  const h = hub();
  h.closed = true;
  const client = h.client;
  h.client = null;
  h.ready = null;
  h.channels.clear();
  h.emitter.removeAllListeners();
  await client?.end().catch(() => undefined);
}

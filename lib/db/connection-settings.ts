import "server-only";
/**
 * How every connection of the studio to PostgreSQL behaves when the network or the server does not:
 * the query pool (lib/db/client.ts) and the LISTEN connection (lib/jobs/listener.ts) both use these.
 */

/**
 * Give up connecting after 5 s. pg's default is to wait forever, so a database that is down or
 * unreachable (a dropped packet, a full connection table) would hang each request instead of failing
 * it, and an SSE stream or the worker would never learn to retry.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * TCP keep-alive probes after 10 s idle. A connection whose peer vanished (a restarted container, a
 * NAT or firewall that forgot it) otherwise looks open for hours: the LISTEN connection would wait
 * for notifications that never come, and a pooled one would fail only on its next query.
 */
export const KEEP_ALIVE = { keepAlive: true, keepAliveInitialDelayMillis: 10_000 } as const;

/**
 * Server-side limits for the query pool. The studio's statements take milliseconds; one running
 * 30 s is stuck (a lock wait, a runaway plan) and holds a pool slot every request needs, so the
 * server ends it. A transaction left idle for 60 s (a client that died between statements) holds its
 * row locks against the worker; the server ends that session too. Not for the LISTEN connection,
 * which is idle by design, nor for migrations, which run on their own connection.
 */
export const QUERY_LIMITS = { statement_timeout: 30_000, idle_in_transaction_session_timeout: 60_000 } as const;

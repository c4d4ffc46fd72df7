import "server-only";
import { Prisma } from "@/lib/db/generated/client";

/**
 * A worker's claim on a job: the token is new at every claim, so a worker that stalled past its
 * lease and was replaced holds a token no row carries any more. Every write a worker makes for a
 * job names its lease and holds only while the row still carries that token and is `running`;
 * a refused write throws LeaseLost, and the worker drops the job without writing anything else.
 */
export type Lease = { generationId: string; token: string };

export class LeaseLost extends Error {
  constructor(readonly generationId: string) {
    super(`This worker no longer holds generation ${generationId}: another worker took it over, or it ended`);
    this.name = "LeaseLost";
  }
}

/** The condition a job's row meets while `lease` holds, on a `generations` row named `alias`. */
export function heldBy(lease: Lease, alias = "generations"): Prisma.Sql {
  const table = Prisma.raw(alias);
  return Prisma.sql`${table}.id = ${lease.generationId}::uuid AND ${table}.lease_token = ${lease.token}::uuid AND ${table}.status = 'running'`;
}

/**
 * A CTE that locks the job's row while the lease holds, for writes to other tables: FOR SHARE waits
 * for a takeover in progress and rechecks the row after it, so a write never slips in beside one.
 */
export function ownedRow(lease: Lease): Prisma.Sql {
  return Prisma.sql`owned AS (SELECT id, owner_id FROM generations WHERE ${heldBy(lease)} FOR SHARE)`;
}

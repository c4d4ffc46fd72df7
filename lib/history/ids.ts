import "server-only";
import { z } from "zod";
import { isUuid } from "@/lib/validation/uuid";

/** How many generations one archive or bulk action takes: a page of selection, not a whole history. */
export const MAX_IDS = 500;

/**
 * The `ids` of an archive or bulk action: 1 to 500 generation UUIDs, given in the order the person
 * chose them. Duplicates count toward the limit (it bounds the request, not the result) and go
 * afterwards, the first of each kept; ids come out lowercase, as PostgreSQL writes them.
 */
export const idsField = z
  .array(
    z.string({ error: "ids must hold generation ids as strings" }).refine(isUuid, { error: (issue) => `ids must hold UUIDs only; ${describe(issue.input)} is not one` }),
    { error: (issue) => (issue.input === undefined ? "ids is required: a list of generation ids" : "ids must be a list of generation ids") },
  )
  .min(1, { error: "ids must hold at least one generation id" })
  .max(MAX_IDS, { error: `ids must hold at most ${MAX_IDS} generation ids` })
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

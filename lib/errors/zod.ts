import type { z } from "zod";
import { printable } from "@/lib/validation/storable-text";

/**
 * Which field a zod issue is about: the first step of its path, or for an unknown key that key
 * (printable: a client may send a key holding NUL). Browser-safe, so the form names fields the way
 * the server does.
 */
export function issueField(issue: z.core.$ZodIssue): string | undefined {
  if (issue.path.length > 0) return printable(String(issue.path[0]));
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) return printable(issue.keys[0]);
  return undefined;
}

import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/errors/api-error";
import { issueField } from "@/lib/errors/zod";

/**
 * Anything thrown while serving a request, as the ApiError the client gets. The one mapping behind
 * `route()` and the server actions: an ApiError as it is; a zod failure as 422 naming the field; a
 * value PostgreSQL refused as 400 (a backstop: the schemas refuse such input before any query, so
 * reaching this means a check is missing, hence the warning); anything else as a 500 that is logged
 * and says nothing of its cause.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof z.core.$ZodError) return fromZodError(error);
  const refused = refusedInput(error);
  if (refused) {
    console.warn(`the database refused a request's value (${refused.state}); a validation check is missing`, error);
    return new ApiError(400, "invalid_request", refused.message);
  }
  console.error(error);
  return new ApiError(500, "internal_error", "Something went wrong on the server; the error was logged");
}

export function errorResponse(error: unknown): Response {
  return toApiError(error).toResponse();
}

/** Parses with a zod schema; a failure is a 422 naming the first field at fault. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

/**
 * Parses a query string with a zod schema; a failure is a 400 naming the parameter: a query string
 * is a URL, not a body a person typed, and a bad one is a bad request.
 */
export function validateQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw fromZodError(parsed.error, 400);
  return parsed.data;
}

export function fromZodError(error: z.core.$ZodError, status: 400 | 422 = 422): ApiError {
  const issue = error.issues[0];
  return new ApiError(status, "invalid_request", issue?.message ?? "The request is not valid", issue ? issueField(issue) : undefined);
}

const CHARACTER = "A value in the request holds a character the database cannot store";
const TEXT_FORM = "A value in the request is not in the form the database expects (an id that is not a UUID, say)";
const DATE_TIME = "A date or time in the request is malformed or out of the range the database holds";

/** SQLSTATEs of class 22 that only a client's value causes; other data exceptions are the studio's bugs. */
const INPUT_STATES: Record<string, string> = {
  "22021": CHARACTER, // character_not_in_repertoire: NUL in text
  "22P05": CHARACTER, // untranslatable_character
  "22P02": TEXT_FORM, // invalid_text_representation: 'x'::uuid
  "22007": DATE_TIME, // invalid_datetime_format
  "22008": DATE_TIME, // datetime_field_overflow
  "22009": DATE_TIME, // invalid_time_zone_displacement_value: what a year before 4713 BC gives
};

/** Prisma's codes for a value the database refused, when it does not pass the SQLSTATE on. */
const PRISMA_INPUT_CODES: Record<string, string> = { P2007: TEXT_FORM, P2023: TEXT_FORM };

function refusedInput(error: unknown): { state: string; message: string } | null {
  const state = sqlState(error, 0);
  if (state && INPUT_STATES[state]) return { state, message: INPUT_STATES[state] };
  const prisma = prismaCode(error);
  if (prisma && PRISMA_INPUT_CODES[prisma]) return { state: prisma, message: PRISMA_INPUT_CODES[prisma] };
  return null;
}

type Loose = { name?: unknown; code?: unknown; severity?: unknown; cause?: unknown; meta?: unknown; originalCode?: unknown };
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The SQLSTATE however it arrived: pg's DatabaseError (`code`, beside `severity`), Prisma's
 * driver-adapter error (`cause.originalCode`), or a Prisma error wrapping one (`meta.driverAdapterError`).
 * Read by shape, not class: Next bundles may hold two copies of these modules.
 */
function sqlState(error: unknown, depth: number): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const e = error as Loose;
  if (typeof e.code === "string" && SQLSTATE.test(e.code) && e.severity !== undefined) return e.code;
  if (typeof e.originalCode === "string" && SQLSTATE.test(e.originalCode)) return e.originalCode;
  const meta = e.meta && typeof e.meta === "object" ? (e.meta as { driverAdapterError?: unknown }) : undefined;
  return sqlState(meta?.driverAdapterError, depth + 1) ?? sqlState(e.cause, depth + 1);
}

function prismaCode(error: unknown): string | undefined {
  const e = error as Loose | null;
  const named = typeof e?.name === "string" && e.name.startsWith("PrismaClient");
  return named && typeof e?.code === "string" ? e.code : undefined;
}

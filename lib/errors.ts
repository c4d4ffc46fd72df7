/**
 * Errors the studio's own API answers with: `{"error":{"code","message","field?"}}`. One type, one
 * mapping to a Response, used by every route and action.
 */
export type ApiErrorBody = { code: string; message: string; field?: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get body(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }

  toResponse(): Response {
    return Response.json({ error: this.body }, { status: this.status });
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} was not found`);

/** Anything thrown in a route becomes a JSON error; unknown failures say so without leaking detail. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.toResponse();
  console.error(error);
  return new ApiError(500, "internal_error", "Something went wrong on the server; the error was logged").toResponse();
}

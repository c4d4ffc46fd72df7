import "server-only";
import type { ApiErrorCode } from "@/lib/errors/codes";

/** An error the studio answers with: `{"error":{"code","message","field?"}}` and an HTTP status. */
export type ApiErrorBody = { code: ApiErrorCode; message: string; field?: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
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

export const notFound = (what: string, field?: string) => new ApiError(404, "not_found", `${what} was not found`, field);

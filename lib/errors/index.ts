import "server-only";
/**
 * The studio's own errors, as the API answers them: `{"error":{"code","message","field?"}}`. The
 * codes are written once (./codes); anything thrown maps to an ApiError in one place (./map), used by
 * `route()` and the server actions alike (lib/http/handle.ts).
 */
export { API_ERROR_CODES, JOB_ERROR_CODES, type ApiErrorCode, type JobErrorCode, type UpstreamCode } from "@/lib/errors/codes";
export { ApiError, notFound, type ApiErrorBody } from "@/lib/errors/api-error";
export { errorResponse, fromZodError, toApiError, validate, validateQuery } from "@/lib/errors/map";

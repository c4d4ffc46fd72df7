/** Error responses in the shapes the gateway contract documents. */

export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

/** sub2api answers a bad key with its own body, not the OpenAI shape. */
export const INVALID_API_KEY_BODY = { code: "INVALID_API_KEY", message: "Invalid API key" } as const;

/** Thrown anywhere in request handling; the server turns it into the response as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = "ApiError";
  }
}

export function openAIError(message: string, type: string, param: string | null, code: string | null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function invalidRequest(message: string, param: string | null, code: string | null = null): ApiError {
  return new ApiError(400, openAIError(message, "invalid_request_error", param, code));
}

export function unauthorized(): ApiError {
  return new ApiError(401, INVALID_API_KEY_BODY);
}

import type { RequestCheck, RequestRules } from "@/lib/generations/request-schema";

/**
 * The shared request schema, loaded when a person first touches the form rather than with the
 * page: zod is most of the studio's own script, and it is only needed at submit.
 */
type Schema = typeof import("@/lib/generations/request-schema");

let loading: Promise<Schema> | null = null;

export function preloadRequestCheck(): Promise<Schema> {
  loading ??= import("@/lib/generations/request-schema").catch((error: unknown) => {
    loading = null; // a failed chunk load may succeed on the next try
    throw error;
  });
  return loading;
}

export async function checkRequest(input: unknown, rules: RequestRules): Promise<RequestCheck> {
  const { checkGenerationRequest } = await preloadRequestCheck();
  return checkGenerationRequest(input, rules);
}

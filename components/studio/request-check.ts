import type { RequestCheck, RequestRules } from "@/lib/generations/request-schema";

/**
 * The shared request schema, loaded when a person first touches the form rather than with the
 * page: zod is most of the studio's own script, and it is only needed at submit. Once loaded, one
 * check runs while the browser is idle: zod compiles a schema on its first use (some 30 ms in
 * Chromium here), which would otherwise delay the first Generate, and with it the first picture.
 */
type Schema = typeof import("@/lib/generations/request-schema");

let loading: Promise<Schema> | null = null;

export function preloadRequestCheck(rules: RequestRules): Promise<Schema> {
  loading ??= import("@/lib/generations/request-schema").then(
    (schema) => {
      const warm = () => schema.checkGenerationRequest({ prompt: "warm-up", size: "1024x1024" }, rules);
      if (typeof requestIdleCallback === "function") requestIdleCallback(warm, { timeout: 500 });
      else setTimeout(warm, 0);
      return schema;
    },
    (error: unknown) => {
      loading = null; // a failed chunk load may succeed on the next try
      throw error;
    },
  );
  return loading;
}

export async function checkRequest(input: unknown, rules: RequestRules): Promise<RequestCheck> {
  const { checkGenerationRequest } = await preloadRequestCheck(rules);
  return checkGenerationRequest(input, rules);
}

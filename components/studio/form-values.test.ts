import { describe, expect, it } from "vitest";
import { DEFAULT_VALUES, toRequestInput } from "@/components/studio/form-values";
import { checkGenerationRequest } from "@/lib/generations/request-schema";

const rules = { allowTransparent: false };

describe("toRequestInput", () => {
  it("turns the defaults plus a prompt into a valid request", () => {
    const check = checkGenerationRequest(toRequestInput({ ...DEFAULT_VALUES, prompt: "a red fox" }), rules);
    expect(check.ok).toBe(true);
  });

  it("leaves compression out for png and sends it for jpeg", () => {
    expect(toRequestInput({ ...DEFAULT_VALUES, compression: "50" })).not.toHaveProperty("output_compression");
    expect(toRequestInput({ ...DEFAULT_VALUES, format: "jpeg", compression: "50" })).toMatchObject({ output_compression: 50 });
  });

  it("lets the shared schema name what is wrong with half-typed fields", () => {
    const check = checkGenerationRequest(toRequestInput({ ...DEFAULT_VALUES, prompt: " ", size: "custom", width: "1000", height: "", images: "" }), rules);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.fieldErrors).sort()).toEqual(["n", "prompt", "size"]);
  });
});

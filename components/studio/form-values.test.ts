import { describe, expect, it } from "vitest";
import { DEFAULT_VALUES, formValuesFrom, toRequestInput } from "@/components/studio/form-values";
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

describe("formValuesFrom (the form posted before its scripts run)", () => {
  const posted = (entries: [string, string][]) => {
    const data = new FormData();
    for (const [key, value] of entries) data.append(key, value);
    return data;
  };

  it("reads every named control as typed", () => {
    const values = formValuesFrom(
      posted([
        ["prompt", "a red fox"],
        ["size", "custom"],
        ["width", "1536"],
        ["height", "864"],
        ["quality", "high"],
        ["format", "webp"],
        ["compression", "70"],
        ["background", "opaque"],
        ["moderation", "low"],
        ["images", "3"],
        ["partials", "0"],
      ]),
    );
    expect(values).toEqual({ prompt: "a red fox", size: "custom", width: "1536", height: "864", quality: "high", format: "webp", compression: "70", background: "opaque", moderation: "low", images: "3", partials: "0", fallback: true });
  });

  it("takes the fallback box as ticked only when it posts on, and keeps absent controls from the base", () => {
    expect(formValuesFrom(posted([["fallback", "off"]])).fallback).toBe(false);
    expect(formValuesFrom(posted([["fallback", "off"], ["fallback", "on"]])).fallback).toBe(true);
    const base = { ...DEFAULT_VALUES, width: "2048", fallback: false };
    expect(formValuesFrom(posted([["prompt", "x"]]), base)).toEqual({ ...base, prompt: "x" });
  });

  it("passes odd values on for the schema to name", () => {
    const check = checkGenerationRequest(toRequestInput(formValuesFrom(posted([["prompt", "a fox"], ["size", "banana"], ["quality", "ultra"]]))), rules);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.fieldErrors).sort()).toEqual(["quality", "size"]);
  });
});

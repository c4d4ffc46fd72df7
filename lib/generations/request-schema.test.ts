import { describe, expect, it } from "vitest";
import { checkEditRequest, checkGenerationRequest } from "@/lib/generations/request-schema";

const rules = { allowTransparent: false };
const check = (input: Record<string, unknown>) => checkGenerationRequest(input, rules);
const fieldOf = (input: Record<string, unknown>) => {
  const result = check(input);
  return result.ok ? null : result.field;
};

describe("generation request schema", () => {
  it("fills defaults for a bare prompt", () => {
    const result = check({ prompt: "  a red fox  " });
    expect(result).toEqual({
      ok: true,
      request: {
        model: "gpt-image-2",
        prompt: "a red fox",
        size: "1024x1024",
        quality: "auto",
        output_format: "png",
        background: "auto",
        moderation: "auto",
        n: 1,
        partial_images: 2,
        fallback: true,
      },
    });
  });

  it("names the field for each bad value", () => {
    expect(fieldOf({ prompt: "" })).toBe("prompt");
    expect(fieldOf({ prompt: "   " })).toBe("prompt");
    expect(fieldOf({ prompt: "x".repeat(32_001) })).toBe("prompt");
    expect(fieldOf({ prompt: "x".repeat(32_000) })).toBeNull();
    expect(fieldOf({ prompt: "a", model: "dall-e-3" })).toBe("model");
    expect(fieldOf({ prompt: "a", size: "1000x1000" })).toBe("size");
    expect(fieldOf({ prompt: "a", quality: "ultra" })).toBe("quality");
    expect(fieldOf({ prompt: "a", output_format: "gif" })).toBe("output_format");
    expect(fieldOf({ prompt: "a", n: 0 })).toBe("n");
    expect(fieldOf({ prompt: "a", n: 11 })).toBe("n");
    expect(fieldOf({ prompt: "a", n: 1.5 })).toBe("n");
    expect(fieldOf({ prompt: "a", n: "3" })).toBe("n");
    expect(fieldOf({ prompt: "a", partial_images: 4 })).toBe("partial_images");
    expect(fieldOf({ prompt: "a", partial_images: -1 })).toBe("partial_images");
    expect(fieldOf({ prompt: "a", moderation: "high" })).toBe("moderation");
    expect(fieldOf({ prompt: "a", output_format: "jpeg", output_compression: 101 })).toBe("output_compression");
  });

  it("refuses compression with png, and allows it with jpeg and webp", () => {
    const result = check({ prompt: "a", output_compression: 50 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe("output_compression");
      expect(result.message).toMatch(/only to jpeg and webp/);
    }
    expect(check({ prompt: "a", output_format: "webp", output_compression: 0 }).ok).toBe(true);
    expect(check({ prompt: "a", output_format: "jpeg", output_compression: 100 }).ok).toBe(true);
  });

  it("refuses a transparent background unless the deployment enables it", () => {
    expect(fieldOf({ prompt: "a", background: "transparent" })).toBe("background");
    expect(checkGenerationRequest({ prompt: "a", background: "transparent" }, { allowTransparent: true }).ok).toBe(true);
    expect(checkGenerationRequest({ prompt: "a", background: "transparent", output_format: "jpeg" }, { allowTransparent: true }).ok).toBe(false);
  });

  it("refuses unknown fields by name and non-objects", () => {
    const result = check({ prompt: "a", response_format: "b64_json" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe("response_format");
      expect(result.message).toMatch(/Unknown field: response_format/);
    }
    expect(checkGenerationRequest("a string", rules).ok).toBe(false);
    expect(checkGenerationRequest(null, rules).ok).toBe(false);
  });

  it("gives the size rule's own message", () => {
    const result = check({ prompt: "a", size: "4000x1000" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.size).toMatch(/longest edge/);
  });
});

describe("text PostgreSQL cannot store", () => {
  const messageOf = (input: Record<string, unknown>) => {
    const result = check(input);
    return result.ok ? null : { field: result.field, message: result.message, fieldErrors: result.fieldErrors };
  };

  it("refuses NUL and lone surrogates in the prompt, saying which and where", () => {
    expect(messageOf({ prompt: "ab\u0000" })).toMatchObject({ field: "prompt", message: "prompt: Prompt contains a character that cannot be stored (NUL at position 3)" });
    expect(messageOf({ prompt: "x\ud800y" })?.message).toMatch(/a lone surrogate \\ud800 at position 2\)$/);
    expect(messageOf({ prompt: "x\udc00" })?.message).toMatch(/a lone surrogate \\udc00 at position 2\)$/);
    expect(messageOf({ prompt: "\udc00\ud800" })?.message).toMatch(/\\udc00 at position 1\)$/); // a pair backwards is no pair
  });

  it("counts positions in characters, so an emoji before the fault counts once", () => {
    expect(messageOf({ prompt: "🦊🦊\u0000" })?.message).toMatch(/NUL at position 3\)$/);
  });

  it("accepts every character that is one: emoji, CJK, U+FFFD, other control characters", () => {
    expect(check({ prompt: "a 🦊 in 雪, \ufffd \u0001 \u007f" }).ok).toBe(true);
  });

  it("refuses them in the size too, and lists each field for the form", () => {
    const result = messageOf({ prompt: "\u0000", size: "1024x1024\u0000" });
    expect(result?.fieldErrors.prompt).toMatch(/NUL at position 1/);
    expect(result?.fieldErrors.size).toMatch(/Size contains a character that cannot be stored \(NUL at position 10\)/);
  });

  it("names an unknown key holding such a character with it escaped", () => {
    expect(messageOf({ prompt: "a", "k\u0000": 1 })).toMatchObject({ field: "k\\u0000", message: "Unknown field: k\\u0000" });
  });
});

describe("edit request schema", () => {
  it("takes a generation's fields but moderation, its size auto by default", () => {
    expect(checkEditRequest({ prompt: " a red door " }, rules)).toEqual({
      ok: true,
      request: { model: "gpt-image-2", prompt: "a red door", size: "auto", quality: "auto", output_format: "png", background: "auto", n: 1, partial_images: 2, fallback: true },
    });
    expect(checkEditRequest({ prompt: "a", moderation: "low" }, rules)).toMatchObject({ ok: false, field: "moderation", message: "Unknown field: moderation" });
  });

  it("applies the generation's rules, across fields too, and the prompt's screening", () => {
    expect(checkEditRequest({ prompt: "a", size: "1000x1000" }, rules)).toMatchObject({ ok: false, field: "size" });
    expect(checkEditRequest({ prompt: "a", output_compression: 50 }, rules)).toMatchObject({ ok: false, field: "output_compression" });
    expect(checkEditRequest({ prompt: "a", background: "transparent" }, rules)).toMatchObject({ ok: false, field: "background" });
    expect(checkEditRequest({ prompt: "hardcore porn scene" }, rules)).toMatchObject({ ok: false, code: "prompt_refused", field: "prompt" });
  });
});

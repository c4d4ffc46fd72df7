import { describe, expect, it } from "vitest";
import { EDIT_DEFAULTS } from "@/components/edit/edit-form-data";
import { fieldProblem, firstTarget, serverFieldErrors, serverProblem } from "@/components/edit/edit-problems";

describe("edit problems", () => {
  it("links each field at fault to its control, a custom size to Width", () => {
    const values = { ...EDIT_DEFAULTS, size: "custom" as const };
    const errors = { size: "Width and height must both be divisible by 16", prompt: "Prompt is empty: describe the image you want" };
    expect(fieldProblem(errors, values).items).toEqual([
      { target: "studio-width", message: errors.size },
      { target: "studio-prompt", message: errors.prompt },
    ]);
    expect(firstTarget(errors, values)).toBe("studio-prompt");
    expect(firstTarget({}, values)).toBeUndefined();
  });

  it("shows the API's message and code, linking only the form's own fields", () => {
    const upload = { code: "invalid_upload", message: "notes.png: not a PNG, JPEG or WebP image (it starts like text)", field: "image[]" };
    expect(serverProblem(upload, EDIT_DEFAULTS)).toEqual({ heading: "The server did not take the edit:", items: [{ target: undefined, message: upload.message }], code: "invalid_upload" });
    expect(serverFieldErrors(upload)).toEqual({});
    const quality = { code: "invalid_request", message: "quality: Quality must be one of: low, medium, high, auto", field: "quality" };
    expect(serverProblem(quality, EDIT_DEFAULTS).items[0]?.target).toBe("studio-quality");
    expect(serverFieldErrors(quality)).toEqual({ quality: quality.message });
  });
});

import { describe, expect, it } from "vitest";
import { needsPreview, PREVIEW_ABOVE_BYTES } from "@/lib/images/inspect";

/** Which partials the live view gets as a browser-sized copy: the heavy ones. */
describe("needsPreview", () => {
  it("copies a partial heavier than the limit and leaves a lighter one as it is", () => {
    expect(needsPreview({ bytes: PREVIEW_ABOVE_BYTES + 1 })).toBe(true);
    expect(needsPreview({ bytes: PREVIEW_ABOVE_BYTES })).toBe(false);
  });
});

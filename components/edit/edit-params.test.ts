import { describe, expect, it } from "vitest";
import { editParams } from "@/components/edit/edit-params";

describe("editParams", () => {
  it("reads the image, the references and the edit to follow", () => {
    expect(editParams({ image: "AAA", ref: ["b", "c"], g: "G1" })).toEqual({ image: "aaa", refs: ["b", "c"], generation: "g1" });
    expect(editParams({ ref: "b" })).toEqual({ image: null, refs: ["b"], generation: null });
    expect(editParams({})).toEqual({ image: null, refs: [], generation: null });
  });

  it("takes each reference once, never the edited image, at most 15, and the first image if repeated", () => {
    const refs = Array.from({ length: 20 }, (_, i) => `r${i}`);
    expect(editParams({ image: ["a", "b"], ref: ["a", "B", "b", "", ...refs] }).refs).toEqual(["b", ...refs.slice(0, 14)]);
    expect(editParams({ image: ["a", "b"] }).image).toBe("a");
  });
});

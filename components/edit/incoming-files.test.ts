import { describe, expect, it } from "vitest";
import { isEditable, MAX_REFERENCES, pixelRefusal, placeIncoming, refusalText } from "@/components/edit/incoming-files";

const limits = { maxBytes: 50 * 1024 * 1024, maxPixels: 40_000_000 };
const file = (name: string, type = "image/png", size = 1000) => ({ name, type, size });
const fresh = { hasImage: false, references: 0, limits };

describe("placeIncoming", () => {
  it("makes the first picture the image to edit when none is chosen, the rest references", () => {
    const placed = placeIncoming([file("a.png"), file("b.jpg", "image/jpeg"), file("c.webp", "image/webp")], fresh);
    expect(placed.image?.name).toBe("a.png");
    expect(placed.references.map((f) => f.name)).toEqual(["b.jpg", "c.webp"]);
    expect(placed.refused).toEqual([]);
  });

  it("adds everything as references once an image is chosen, or when asked to", () => {
    expect(placeIncoming([file("a.png")], { ...fresh, hasImage: true, references: 2 })).toEqual({ image: null, references: [file("a.png")], refused: [] });
    expect(placeIncoming([file("a.png")], { ...fresh, as: "references" })).toMatchObject({ image: null, references: [file("a.png")] });
  });

  it("refuses what is not a PNG, JPEG or WebP, naming it, and lets the next picture be the image", () => {
    const placed = placeIncoming([file("notes.txt", "text/plain"), file("anim.gif", "image/gif"), file("", "image/bmp"), file("b.png")], fresh);
    expect(placed.image?.name).toBe("b.png");
    expect(refusalText(placed.refused)).toEqual([
      "notes.txt: not a PNG, JPEG or WebP image",
      "anim.gif: not a PNG, JPEG or WebP image",
      "pasted image: not a PNG, JPEG or WebP image",
    ]);
  });

  it("refuses a file over the server's size limit before it is sent", () => {
    const placed = placeIncoming([file("huge.png", "image/png", 60 * 1024 * 1024), file("ok.png")], fresh);
    expect(placed.image?.name).toBe("ok.png");
    expect(refusalText(placed.refused)).toEqual(["huge.png: the file is 60 MB; at most 50 MB is accepted"]);
  });

  it("stops at 15 references and names each one left out", () => {
    const many = Array.from({ length: 5 }, (_, i) => file(`r${i}.png`));
    const placed = placeIncoming(many, { ...fresh, hasImage: true, references: MAX_REFERENCES - 3 });
    expect(placed.references.map((f) => f.name)).toEqual(["r0.png", "r1.png", "r2.png"]);
    expect(placed.refused.map((r) => r.name)).toEqual(["r3.png", "r4.png"]);
    expect(placed.refused[0]?.reason).toMatch(/at most 15 reference images/);
    expect(placeIncoming([file("x.png")], { ...fresh, hasImage: true, references: 99 }).references).toEqual([]);
  });
});

describe("pixelRefusal", () => {
  it("refuses an image past the pixel cap, and passes one at it", () => {
    expect(pixelRefusal("bomb.png", { width: 20000, height: 20000 }, limits)?.reason).toBe("it is 20000x20000 (400.0 megapixels); at most 40 megapixels are accepted");
    expect(pixelRefusal("ok.png", { width: 8000, height: 5000 }, limits)).toBeNull();
  });
});

describe("isEditable", () => {
  it("goes by the type, and by the name only when there is no type", () => {
    expect(isEditable(file("photo.JPEG", ""))).toBe(true);
    expect(isEditable(file("photo.heic", ""))).toBe(false);
    expect(isEditable(file("renamed.png", "text/plain"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { admit, firstAttachment, ordered, type Attachment } from "@/components/agent/attachments";

const limits = { maxBytes: 1000, maxPixels: 1_000_000 };
const file = (name: string, type = "image/png", size = 10) => ({ name, type, size });

const picked = (id: string): Attachment => ({ key: `picked-${id}`, kind: "picked", id, url: `/api/images/${id}`, thumbUrl: `/api/images/${id}/thumb`, width: 1024, height: 1024 });
const upload = (name: string): Attachment => ({ key: `upload-${name}`, kind: "upload", file: new File([], name), url: `blob:${name}`, width: 512, height: 512 });

describe("ordered and firstAttachment", () => {
  it("puts uploads before picked images, as the server reads image[] before imageIds", () => {
    const items = [picked("a"), upload("one.png"), picked("b"), upload("two.png")];
    expect(ordered(items).map((item) => item.key)).toEqual(["upload-one.png", "upload-two.png", "picked-a", "picked-b"]);
    expect(firstAttachment(items)?.key).toBe("upload-one.png");
  });

  it("is the first picked image when nothing is uploaded, and none when empty", () => {
    expect(firstAttachment([picked("a"), picked("b")])?.key).toBe("picked-a");
    expect(firstAttachment([])).toBeNull();
  });
});

describe("admit", () => {
  it("refuses what is not a picture, too large, or beyond the cap, naming each", () => {
    const { admitted, refused } = admit([file("a.png"), file("notes.txt", "text/plain"), file("big.png", "image/png", 5000), file("b.jpg", "image/jpeg"), file("c.webp", "image/webp")], 1, 3, limits);
    expect(admitted.map((f) => f.name)).toEqual(["a.png", "b.jpg"]);
    expect(refused).toEqual([
      { name: "notes.txt", reason: "not a PNG, JPEG or WebP image" },
      { name: "big.png", reason: expect.stringContaining("larger than") },
      { name: "c.webp", reason: "at most 3 images go with one message" },
    ]);
  });

  it("names a pasted file that has no name", () => {
    expect(admit([file("", "text/plain")], 0, 4, limits).refused[0]?.name).toBe("pasted image");
  });
});

import { describe, expect, it } from "vitest";
import { contentDisposition, downloadName, slugOf } from "./file-name";

const at = "2026-12-01T14:05:59.999Z";

describe("downloadName", () => {
  it("is the UTC date, hour and minute, the prompt's slug and the format's extension", () => {
    expect(downloadName({ createdAt: at, prompt: "A red fox in the snow!", format: "png" })).toBe("2026-12-01_1405_a-red-fox-in-the-snow.png");
    expect(downloadName({ createdAt: new Date("2026-01-09T03:07:00+02:00"), prompt: "x", format: "jpeg" })).toBe("2026-01-09_0107_x.jpg");
    expect(downloadName({ createdAt: at, prompt: "owl", format: "webp" })).toBe("2026-12-01_1405_owl.webp");
  });

  it("numbers the second and later images of a generation of several, and never a lone one", () => {
    const base = { createdAt: at, prompt: "owl", format: "png" };
    expect(downloadName({ ...base, imageIndex: 0, count: 3 })).toBe("2026-12-01_1405_owl.png");
    expect(downloadName({ ...base, imageIndex: 1, count: 3 })).toBe("2026-12-01_1405_owl-2.png");
    expect(downloadName({ ...base, imageIndex: 2, count: 3 })).toBe("2026-12-01_1405_owl-3.png");
    expect(downloadName({ ...base, imageIndex: 0, count: 1 })).toBe("2026-12-01_1405_owl.png");
  });

  it("marks a partial preview", () => {
    expect(downloadName({ createdAt: at, prompt: "owl", imageIndex: 1, count: 2, partialIndex: 0, format: "png" })).toBe("2026-12-01_1405_owl-2-partial-1.png");
  });
});

describe("slugOf", () => {
  it("keeps lowercase ASCII letters and digits, joined by single hyphens", () => {
    expect(slugOf("  Hello,   World -- 2026 ")).toBe("hello-world-2026");
    expect(slugOf("snake_case/and\\slashes")).toBe("snake-case-and-slashes");
  });

  it("spells accented and a few other Latin letters in ASCII, and drops the rest", () => {
    expect(slugOf("Crème brûlée à Straße, smørrebrød")).toBe("creme-brulee-a-strasse-smorrebrod");
    expect(slugOf("東京 tower 🗼")).toBe("tower");
  });

  it("falls back to image when nothing is left", () => {
    expect(slugOf("")).toBe("image");
    expect(slugOf("東京の夜 🌃 !!!")).toBe("image");
  });

  it("stays within 60 characters, cut between words", () => {
    const slug = slugOf("a very long prompt about a lighthouse on a cliff at dusk with gulls and a storm coming in from the sea");
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toBe("a-very-long-prompt-about-a-lighthouse-on-a-cliff-at-dusk");
    expect(slugOf("x".repeat(100))).toBe("x".repeat(60));
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII filename and the UTF-8 one", () => {
    expect(contentDisposition("2026-12-01_1405_owl.png")).toBe(`attachment; filename="2026-12-01_1405_owl.png"; filename*=UTF-8''2026-12-01_1405_owl.png`);
  });

  it("keeps quotes, backslashes, controls and non-ASCII out of the quoted form", () => {
    const header = contentDisposition('café "x"\\\n(1)*.zip');
    expect(header).toBe(`attachment; filename="cafe _x___(1)*.zip"; filename*=UTF-8''caf%C3%A9%20%22x%22%5C%0A%281%29%2A.zip`);
    expect(decodeURIComponent(header.split("''")[1]!)).toBe('café "x"\\\n(1)*.zip');
  });
});

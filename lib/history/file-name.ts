/**
 * The names a downloaded image and a ZIP's entries get: date, time and the prompt's first words,
 * so a folder of downloads sorts by when they were made and says what each is. Pure and
 * browser-safe: the detail page may show the name it will download as.
 */
export type NameSource = {
  createdAt: Date | string;
  prompt: string;
  /** 0-based; the second image of a generation is "-2". */
  imageIndex?: number;
  /** How many images the generation asked for: a lone image carries no number. */
  count?: number;
  /** A partial preview's 0-based index: "-partial-1" and on. */
  partialIndex?: number | null;
  format: string;
};

const SLUG_MAX = 60;

/** Letters a plain NFKD decomposition does not take apart into ASCII and a mark. */
const SPELLED: Record<string, string> = { ß: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ø: "o", Ø: "o", đ: "d", Đ: "d", ł: "l", Ł: "l", þ: "th", Þ: "th", ð: "d", Ð: "d" };

export function extensionOf(format: string): string {
  return format === "jpeg" || format === "jpg" ? "jpg" : format === "webp" ? "webp" : "png";
}

/** Lowercase ASCII words joined by "-", at most SLUG_MAX characters, cut between words when it can be. */
export function slugOf(prompt: string): string {
  const ascii = prompt
    .replace(/[ßæÆœŒøØđĐłŁþÞðÐ]/g, (c) => SPELLED[c] ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter(Boolean);
  let slug = "";
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > SLUG_MAX) {
      // A first word longer than the limit is cut; a later one is left out whole.
      if (!slug) slug = word.slice(0, SLUG_MAX);
      break;
    }
    slug = next;
  }
  return slug || "image";
}

const two = (n: number) => String(n).padStart(2, "0");

/** `2026-12-01_1405_a-red-fox-in-the-snow.png`, in UTC so a name never depends on the server's zone. */
export function downloadName({ createdAt, prompt, imageIndex = 0, count = 1, partialIndex = null, format }: NameSource): string {
  const at = new Date(createdAt);
  const date = `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}`;
  const time = `${two(at.getUTCHours())}${two(at.getUTCMinutes())}`;
  const number = count > 1 && imageIndex >= 1 ? `-${imageIndex + 1}` : "";
  const partial = partialIndex !== null && partialIndex >= 0 ? `-partial-${partialIndex + 1}` : "";
  return `${date}_${time}_${slugOf(prompt)}${number}${partial}.${extensionOf(format)}`;
}

/** RFC 5987's attr-char: what encodeURIComponent leaves alone, less the characters it forbids. */
const ext = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: the quoted ASCII form for old clients, the
 * encoded one for the rest (RFC 6266). Quotes, backslashes and controls never reach the header.
 */
export function contentDisposition(name: string): string {
  const ascii = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${ext(name)}`;
}

import { z } from "zod";

/**
 * Text PostgreSQL can store. A `text` column refuses U+0000 outright (SQLSTATE 22021), and a lone
 * UTF-16 surrogate (JSON allows "\ud800") is no Unicode character at all: the driver would quietly
 * turn it into U+FFFD, so what was stored would not be what was sent. Both are refused at the edge,
 * naming the field, instead of failing (or being altered) in the database. Browser-safe: the studio
 * form runs the same rule.
 */
export type Unstorable = { what: string; /** Counted in characters (code points) from 1. */ position: number };

export function findUnstorable(text: string): Unstorable | null {
  for (let i = 0, position = 1; i < text.length; position++) {
    const length = storableLength(text, i);
    if (length === 0) return { what: describeUnit(text.charCodeAt(i)), position };
    i += length;
  }
  return null;
}

export function unstorableMessage(label: string, found: Unstorable): string {
  return `${label} contains a character that cannot be stored (${found.what} at position ${found.position})`;
}

/** A zod check for any free-text field: `z.string().check(storableText("Prompt"))`. */
export function storableText(label: string) {
  return z.superRefine<string>((text, ctx) => {
    const found = findUnstorable(text);
    if (found) ctx.addIssue({ code: "custom", message: unstorableMessage(label, found), input: text });
  });
}

/** The text with what cannot be stored written as `\uXXXX`, for echoing a client's text back (an unknown key's name). */
export function printable(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const length = storableLength(text, i);
    out += length === 0 ? escapeUnit(text.charCodeAt(i)) : text.slice(i, i + length);
    i += length || 1;
  }
  return out;
}

/** How many UTF-16 units the character at `i` takes (2 for a surrogate pair), or 0 when it cannot be stored. */
function storableLength(text: string, i: number): 0 | 1 | 2 {
  const unit = text.charCodeAt(i);
  if (unit === 0) return 0;
  if (unit < 0xd800 || unit > 0xdfff) return 1;
  const next = text.charCodeAt(i + 1);
  return unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 0;
}

function describeUnit(unit: number): string {
  return unit === 0 ? "NUL" : `a lone surrogate ${escapeUnit(unit)}`;
}

function escapeUnit(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, "0")}`;
}

/** Plain formatting for the detail page, shared by its server and client parts. */

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The main image's alt: the contract's "Generated image…", then which one and what it shows. */
export function imageAlt(imageIndex: number, count: number, prompt: string): string {
  return `Generated image ${imageIndex + 1} of ${count}: ${truncate(prompt, 120)}`;
}

export const count = (n: number) => n.toLocaleString("en-US");

export const usd = (amount: number) => `$${amount.toFixed(4)}`;

export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** Rendered on the server, so the zone is named rather than the server's own assumed. */
export function timestamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** A usage JSON's `*_details` objects as "text 30 · image 1,056", whatever kinds the gateway reports. */
export function tokenDetails(usage: unknown): { label: string; value: string }[] {
  if (!isRecord(usage)) return [];
  const lines: { label: string; value: string }[] = [];
  for (const [key, value] of Object.entries(usage)) {
    if (!key.endsWith("_details") || !isRecord(value)) continue;
    const parts = Object.entries(value).flatMap(([kind, n]) => (typeof n === "number" ? [`${kind.replace(/_tokens$/, "").replaceAll("_", " ")} ${count(n)}`] : []));
    if (parts.length > 0) lines.push({ label: key.replace(/_tokens_details$/, "").replace(/_details$/, "").replaceAll("_", " "), value: parts.join(" · ") });
  }
  return lines;
}

/** "30 in · 1,056 out · 1,086 total" from a usage JSON, or null when it holds none of them. */
export function tokenTotals(usage: unknown): string | null {
  if (!isRecord(usage)) return null;
  const { input_tokens: input, output_tokens: output, total_tokens: total } = usage;
  const parts = [
    typeof input === "number" ? `${count(input)} in` : null,
    typeof output === "number" ? `${count(output)} out` : null,
    typeof total === "number" ? `${count(total)} total` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(" · ") : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

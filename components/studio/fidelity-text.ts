import type { ImageEvent } from "@/lib/generations/events";

/**
 * How an edit's result kept to the protected (unmasked) area, in words. The job measures it after
 * every masked edit (lib/images/fidelity.ts) and flags a result that changed too much of it: some
 * gateways drop the mask and the model repaints everything. Pure, shared by the studio's result
 * view and the history detail page.
 */

/** What an edit's `image` event, and its image on the detail page, carry besides a generation's. */
export type EditImageFacts = Pick<ImageEvent, "fidelity" | "rawImageId">;

/** "38%"; a change too small to round to 1% still reads as one, not as none. */
export function percent(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return "0%";
  if (share < 0.01) return "under 1%";
  return `${Math.min(100, Math.round(share * 100))}%`;
}

/**
 * The flag's sentence, or null when the result was not flagged. `which` names the image when the
 * edit made several; `restored` says the source was put back over the protected area.
 */
export function fidelityText(facts: EditImageFacts, which: string | null = null): string | null {
  const { fidelity } = facts;
  if (!fidelity?.flagged) return null;
  const image = which ? ` in ${which}` : "";
  const changed = `The gateway changed ${percent(fidelity.changedShare)} of the protected area${image}`;
  return facts.rawImageId
    ? `${changed}: it may have ignored the mask. The image shown has the source put back outside the mask; the raw result is kept too.`
    : `${changed}: it may have ignored the mask.`;
}

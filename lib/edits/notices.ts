import type { ImageFidelity } from "@/lib/generations/events";

/**
 * What a flagged edit tells in its generation's notice: how much of the protected area the gateway
 * changed (it may have dropped the mask), and whether the source was put back there. Browser-safe.
 */
export function fidelityNotice(fidelity: ImageFidelity, restored: boolean): string {
  const share = Math.min(100, Math.max(1, Math.round(fidelity.changedShare * 100)));
  const changed = `the gateway changed ${share}% of the protected area (it may have ignored the mask)`;
  return restored ? `${changed}; the source was put back outside the mask, and the raw result is kept too.` : `${changed}.`;
}

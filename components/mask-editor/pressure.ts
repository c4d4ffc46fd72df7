export type PointerKind = "mouse" | "pen" | "touch";

/** The thinnest a pen stroke gets, as a share of the brush size: a feather-light touch still paints. */
export const MIN_PRESSURE_FACTOR = 0.2;

/**
 * How much of the brush size a pointer paints with. Only a pen's pressure counts: a mouse reports
 * 0.5 while pressed and touch screens report anything from 0 to 1 without meaning it, so both paint
 * at full size. A pen maps pressure 0..1 to 0.2..1 of the size.
 */
export function pressureFactor(kind: PointerKind, pressure: number): number {
  if (kind !== "pen" || !Number.isFinite(pressure)) return 1;
  const p = Math.min(1, Math.max(0, pressure));
  return MIN_PRESSURE_FACTOR + (1 - MIN_PRESSURE_FACTOR) * p;
}

export function pointerKind(pointerType: string): PointerKind {
  return pointerType === "pen" || pointerType === "touch" ? pointerType : "mouse";
}

/**
 * The viewer's zoom: "fit" (the whole image in view, never enlarged past its own pixels) or a
 * scale, where 1 shows one image pixel per CSS pixel. Pure, so the steps are tested apart from the DOM.
 */
export type Zoom = "fit" | number;

export const ZOOM_STEPS = [0.1, 0.125, 0.25, 0.33, 0.5, 0.67, 0.75, 1, 1.5, 2, 3, 4, 6, 8] as const;
export const MAX_ZOOM = 8;
const NUDGE = 1.001; // a scale a hair from a step counts as on it

export function fitScale(box: { width: number; height: number }, image: { width: number; height: number }): number {
  if (box.width <= 0 || box.height <= 0 || image.width <= 0 || image.height <= 0) return 1;
  return Math.min(box.width / image.width, box.height / image.height, 1);
}

export function zoomedIn(scale: number): number {
  return ZOOM_STEPS.find((step) => step > scale * NUDGE) ?? MAX_ZOOM;
}

/** Zooming out past the fitted view only shrinks the picture inside empty space: it stops at fit. */
export function zoomedOut(scale: number, fit: number): Zoom {
  const step = [...ZOOM_STEPS].reverse().find((candidate) => candidate < scale / NUDGE);
  return step === undefined || step <= fit * NUDGE ? "fit" : step;
}

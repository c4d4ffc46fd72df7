import type { Point, Size } from "@/components/mask-editor/types";

/**
 * How the image sits in the viewport: a screen point (CSS pixels from the viewport's top left) is
 * `image point * scale + (x, y)`. The mask never changes with it; only this mapping does.
 */
export type View = { scale: number; x: number; y: number };

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;
export const ZOOM_STEPS = [0.02, 0.05, 0.1, 0.125, 0.25, 0.33, 0.5, 0.67, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32] as const;
/** Room left around a fitted image, in CSS pixels, so its edges can be painted up to. */
export const FIT_MARGIN = 8;
const NUDGE = 1.001; // a scale a hair from a step counts as on it

const clampScale = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

export function screenToImage(view: View, p: Point): Point {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale };
}

export function imageToScreen(view: View, p: Point): Point {
  return { x: p.x * view.scale + view.x, y: p.y * view.scale + view.y };
}

/** The whole image centred in the viewport, as large as fits (a small image is enlarged to fill it too). */
export function fitView(viewport: Size, image: Size, margin = FIT_MARGIN): View {
  const room = { width: Math.max(1, viewport.width - 2 * margin), height: Math.max(1, viewport.height - 2 * margin) };
  const scale = clampScale(Math.min(room.width / image.width, room.height / image.height));
  return { scale, x: (viewport.width - image.width * scale) / 2, y: (viewport.height - image.height * scale) / 2 };
}

/** Zoom to `scale` (clamped) keeping the image point under the screen point `at` where it is. */
export function zoomAt(view: View, scale: number, at: Point): View {
  const next = clampScale(scale);
  const p = screenToImage(view, at);
  return { scale: next, x: at.x - p.x * next, y: at.y - p.y * next };
}

export function zoomedInScale(scale: number): number {
  return ZOOM_STEPS.find((step) => step > scale * NUDGE) ?? MAX_SCALE;
}

export function zoomedOutScale(scale: number): number {
  return [...ZOOM_STEPS].reverse().find((step) => step < scale / NUDGE) ?? MIN_SCALE;
}

/** One step in or out, about the viewport's centre (the buttons) or a point (the keyboard and the pointer). */
export function zoomStep(view: View, direction: 1 | -1, at: Point): View {
  return zoomAt(view, direction > 0 ? zoomedInScale(view.scale) : zoomedOutScale(view.scale), at);
}

/**
 * A wheel turn zooms at the pointer, smoothly: each pixel of delta scales by a fixed ratio, so a
 * trackpad's many small deltas and a mouse's few large ones zoom alike. A trackpad pinch arrives
 * as a wheel with ctrlKey and tiny deltas, so it counts more per pixel. Lines and pages (deltaMode
 * 1 and 2) are turned into pixels first.
 */
export function wheelZoom(view: View, wheel: { deltaY: number; deltaMode: number; ctrlKey: boolean }, at: Point): View {
  const pixels = wheel.deltaY * (wheel.deltaMode === 1 ? 40 : wheel.deltaMode === 2 ? 800 : 1);
  const perPixel = wheel.ctrlKey ? 0.01 : 0.002;
  const clamped = Math.max(-400, Math.min(400, pixels)); // one wild event never jumps further than a few steps
  return zoomAt(view, view.scale * Math.exp(-clamped * perPixel), at);
}

export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x + dx, y: view.y + dy };
}

export type Pinch = { center: Point; distance: number };

/** Two fingers: the image point under their old centre follows the new centre, scaled by how far they spread. */
export function pinchView(view: View, before: Pinch, after: Pinch): View {
  const ratio = before.distance > 0 && after.distance > 0 ? after.distance / before.distance : 1;
  const p = screenToImage(view, before.center);
  const scale = clampScale(view.scale * ratio);
  return { scale, x: after.center.x - p.x * scale, y: after.center.y - p.y * scale };
}

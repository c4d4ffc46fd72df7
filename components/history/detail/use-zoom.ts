"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { fitScale, zoomedIn, zoomedOut, type Zoom } from "@/components/history/detail/zoom-steps";

type Size = { width: number; height: number };
/** A point of the picture (as a share of its width and height) held under a point of the viewport. */
type Anchor = { fx: number; fy: number; ax: number; ay: number };

/**
 * Zoom for one picture in a scrolling viewport: the scale, steps in and out that keep the point
 * under the pointer (or the centre) in place, and ctrl/cmd+wheel. Panning is the viewport's own
 * scrolling, plus a mouse drag (use-drag-pan.ts).
 */
export function useZoom(image: Size) {
  const viewport = useRef<HTMLDivElement>(null);
  const [zoom, setZoomState] = useState<Zoom>("fit");
  const [box, setBox] = useState<Size | null>(null);
  const anchor = useRef<Anchor | null>(null);

  // Measured before the first paint, so the picture never flashes at its full size.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const fit = box ? fitScale(box, image) : 1;
  const scale = zoom === "fit" ? fit : zoom;
  const shown = { width: Math.floor(image.width * scale), height: Math.floor(image.height * scale) };
  const overflows = box !== null && (shown.width > box.width || shown.height > box.height);

  const setZoom = useCallback(
    (next: Zoom, at?: { x: number; y: number }) => {
      const el = viewport.current;
      const nextScale = next === "fit" ? fit : next;
      const resized = Math.floor(image.width * nextScale) !== shown.width || Math.floor(image.height * nextScale) !== shown.height;
      if (el && resized) {
        const ax = at?.x ?? el.clientWidth / 2;
        const ay = at?.y ?? el.clientHeight / 2;
        const left = Math.max(0, (el.clientWidth - shown.width) / 2);
        const top = Math.max(0, (el.clientHeight - shown.height) / 2);
        anchor.current = { fx: (el.scrollLeft + ax - left) / shown.width, fy: (el.scrollTop + ay - top) / shown.height, ax, ay };
      }
      setZoomState(next);
    },
    [fit, image.width, image.height, shown.width, shown.height],
  );

  // After the new size is laid out, scroll so the anchored point is back under the pointer.
  useLayoutEffect(() => {
    const el = viewport.current;
    const a = anchor.current;
    if (!el || !a) return;
    anchor.current = null;
    const left = Math.max(0, (el.clientWidth - shown.width) / 2);
    const top = Math.max(0, (el.clientHeight - shown.height) / 2);
    el.scrollLeft = left + a.fx * shown.width - a.ax;
    el.scrollTop = top + a.fy * shown.height - a.ay;
  }, [shown.width, shown.height]);

  const zoomIn = useCallback((at?: { x: number; y: number }) => setZoom(zoomedIn(scale), at), [scale, setZoom]);
  const zoomOut = useCallback((at?: { x: number; y: number }) => setZoom(zoomedOut(scale, fit), at), [scale, fit, setZoom]);

  // Native, not React's onWheel: React listens passively, and only an active listener may stop the page zooming.
  const latest = useRef({ zoomIn, zoomOut });
  useEffect(() => {
    latest.current = { zoomIn, zoomOut };
  });
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const rect = el.getBoundingClientRect();
      const at = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      if (event.deltaY < 0) latest.current.zoomIn(at);
      else if (event.deltaY > 0) latest.current.zoomOut(at);
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, []);

  return { viewport, zoom, scale, fit, shown, overflows, measured: box !== null, setZoom, zoomIn, zoomOut };
}

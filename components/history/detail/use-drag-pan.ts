"use client";

import { useRef, useState, type PointerEvent } from "react";

/**
 * Drag to pan a scrolled viewport with the mouse or a pen; touch keeps the browser's own scrolling.
 * Returns the handlers to spread on the viewport and whether a drag is under way.
 */
export function useDragPan(enabled: boolean) {
  const start = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const [dragging, setDragging] = useState(false);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    if (!enabled || event.button !== 0 || event.pointerType === "touch" || onScrollbar(event)) return;
    start.current = { x: event.clientX, y: event.clientY, left: el.scrollLeft, top: el.scrollTop };
    el.setPointerCapture(event.pointerId);
    setDragging(true);
    event.preventDefault(); // no text selection or image drag-and-drop while panning
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const from = start.current;
    if (!from) return;
    event.currentTarget.scrollLeft = from.left - (event.clientX - from.x);
    event.currentTarget.scrollTop = from.top - (event.clientY - from.y);
  };
  const end = (event: PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    start.current = null;
    setDragging(false);
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  };

  return { dragging, handlers: { onPointerDown, onPointerMove, onPointerUp: end, onPointerCancel: end } };
}

/** A press on the viewport's own scrollbar is the browser's to handle. */
function onScrollbar(event: PointerEvent<HTMLDivElement>): boolean {
  const el = event.currentTarget;
  const rect = el.getBoundingClientRect();
  return event.clientX - rect.left - el.clientLeft >= el.clientWidth || event.clientY - rect.top - el.clientTop >= el.clientHeight;
}

"use client";

import { useEffect, type RefObject } from "react";
import type { MaskSession, ScreenPointer } from "@/components/mask-editor/mask-session";
import { pointerKind } from "@/components/mask-editor/pressure";

/**
 * Feeds the viewport's pointer and wheel events to the session. Native listeners, not React's:
 * the wheel must be an active listener to stop the page zooming, and a move's coalesced events
 * (several per frame from a fast pen) each become a segment, so a quick stroke stays a smooth line.
 */
export function usePointerPainting(session: MaskSession, viewportRef: RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) return;
    // Measured when a gesture starts and reused while the pointer is captured: no layout read per event.
    let origin = viewport.getBoundingClientRect();
    const read = (event: PointerEvent): ScreenPointer => ({
      id: event.pointerId,
      kind: pointerKind(event.pointerType),
      button: event.button,
      screen: { x: event.clientX - origin.left, y: event.clientY - origin.top },
      pressure: event.pressure,
      alt: event.altKey,
    });

    const down = (event: PointerEvent) => {
      origin = viewport.getBoundingClientRect();
      if (event.button === 2) return; // the context menu stays the browser's
      event.preventDefault(); // no text selection, no image drag, no middle-button autoscroll
      viewport.focus({ preventScroll: true }); // so Space and the hotkeys reach the editor
      try {
        viewport.setPointerCapture(event.pointerId); // the stroke goes on when the pointer leaves the viewport
      } catch {
        // A pointer already gone cannot be captured; its up or cancel ends the gesture anyway.
      }
      session.pointerDown(read(event));
    };
    const move = (event: PointerEvent) => {
      if (!viewport.hasPointerCapture(event.pointerId)) origin = viewport.getBoundingClientRect();
      const coalesced = typeof event.getCoalescedEvents === "function" ? event.getCoalescedEvents() : [];
      for (const each of coalesced.length > 0 ? coalesced : [event]) session.pointerMove(read(each));
    };
    const up = (event: PointerEvent) => session.pointerUp(read(event));
    // Also after a normal up (then it finds nothing to end): catches a capture lost any other way.
    const cancel = (event: PointerEvent) => session.pointerCancel(read(event));
    const leave = (event: PointerEvent) => {
      if (!viewport.hasPointerCapture(event.pointerId)) session.pointerLeave();
    };
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = viewport.getBoundingClientRect();
      session.wheel(event, { x: event.clientX - rect.left, y: event.clientY - rect.top });
    };
    const noMenu = (event: Event) => event.preventDefault(); // a long press on a touch screen would open it mid-stroke
    const noAutoscroll = (event: MouseEvent) => {
      if (event.button === 1) event.preventDefault();
    };

    const listeners: [string, (event: never) => void, AddEventListenerOptions?][] = [
      ["pointerdown", down],
      ["pointermove", move],
      ["pointerup", up],
      ["pointercancel", cancel],
      ["lostpointercapture", cancel],
      ["pointerleave", leave],
      ["wheel", wheel, { passive: false }],
      ["contextmenu", noMenu],
      ["mousedown", noAutoscroll],
      ["auxclick", noAutoscroll],
    ];
    for (const [type, listener, options] of listeners) viewport.addEventListener(type, listener as EventListener, options);
    return () => {
      for (const [type, listener, options] of listeners) viewport.removeEventListener(type, listener as EventListener, options);
    };
  }, [session, viewportRef]);
}

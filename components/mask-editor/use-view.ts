"use client";

import { useEffect, useRef } from "react";
import type { MaskSession } from "@/components/mask-editor/mask-session";
import { drawPreview } from "@/components/mask-editor/preview";

/**
 * Puts the view on screen without React: the stage (image and mask at their own pixel size) is
 * moved by one CSS transform, so panning and zooming a 4K mask redraws nothing; the preview layer
 * follows the viewport's size and is redrawn at most once a frame. Returns the refs for the
 * viewport, the stage and the preview canvas.
 */
export function useView(session: MaskSession) {
  const viewport = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const preview = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const box = viewport.current;
    const layer = stage.current;
    const canvas = preview.current;
    const context = canvas?.getContext("2d");
    if (!box || !layer || !canvas || !context) return;
    let frame = 0;
    const redraw = () => {
      frame = 0;
      drawPreview(context, session, window.devicePixelRatio || 1);
    };
    const place = () => {
      const view = session.view;
      layer.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
      // Zoomed well in, a person paints pixels: show them as squares, not a blur.
      layer.style.imageRendering = view.scale >= 2 ? "pixelated" : "auto";
    };
    const detach = session.attach({
      view: place,
      preview: () => {
        if (!frame) frame = requestAnimationFrame(redraw);
      },
    });
    const measure = () => {
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(box.clientWidth * ratio);
      canvas.height = Math.round(box.clientHeight * ratio);
      session.setViewport({ width: box.clientWidth, height: box.clientHeight });
      place();
      redraw();
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => {
      observer.disconnect();
      detach();
      cancelAnimationFrame(frame);
    };
  }, [session]);
  return { viewport, stage, preview };
}

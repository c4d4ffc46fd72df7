"use client";

import { useEffect, useRef } from "react";
import { unionBox } from "@/components/mask-editor/box";
import type { MaskSession } from "@/components/mask-editor/mask-session";
import { overlayPixels, parseHexColour } from "@/components/mask-editor/overlay-pixels";
import type { Box } from "@/components/mask-editor/types";

/**
 * Keeps the overlay canvas (the image's own size) in step with the mask: boxes reported changed are
 * merged and put once per frame, so a stroke's many coalesced segments cost one putImageData of
 * their union, never a redraw of the whole mask. Returns the ref for that canvas.
 */
export function useOverlay(session: MaskSession, colour: string) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext("2d");
    if (!context) return;
    const rgb = parseHexColour(colour);
    let pending: Box | null = null;
    let frame = 0;
    const flush = () => {
      frame = 0;
      const box = pending;
      pending = null;
      if (box) context.putImageData(new ImageData(overlayPixels(session.raster, box, rgb), box.width, box.height), box.x, box.y);
    };
    const detach = session.attach({
      dirty: (box) => {
        pending = unionBox(pending, box);
        if (!frame) frame = requestAnimationFrame(flush);
      },
    });
    // Every box ever put showed its coverage as it then was, so outside the covered box the layer is
    // already clear: a new colour repaints only what is covered.
    pending = session.raster.contentBox();
    flush();
    return () => {
      detach();
      cancelAnimationFrame(frame);
      flush(); // in the old colour; the next run repaints what is covered in the new one
    };
  }, [session, colour]);
  return canvasRef;
}

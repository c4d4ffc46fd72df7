"use client";

/* eslint-disable @next/next/no-img-element -- the picture at its own pixels under the mask: next/image would resize it. */

import { useId, useImperativeHandle, useState, useSyncExternalStore } from "react";
import { exportMaskPng } from "@/components/mask-editor/export-mask";
import { MaskSession } from "@/components/mask-editor/mask-session";
import { Toolbar } from "@/components/mask-editor/toolbar";
import type { MaskEditorProps } from "@/components/mask-editor/types";
import { useHotkeys } from "@/components/mask-editor/use-hotkeys";
import { useOverlay } from "@/components/mask-editor/use-overlay";
import { usePointerPainting } from "@/components/mask-editor/use-pointer-painting";
import { useView } from "@/components/mask-editor/use-view";

export type { MaskEditorHandle, MaskEditorProps } from "@/components/mask-editor/types";

const DEFAULT_COLOUR = "#ef4444";
const DEFAULT_OPACITY = 0.5;

/**
 * The mask painter. A new image (another url or size) starts a new session: its own mask,
 * history and view. Pages load it with next/dynamic and ssr: false, so none of it reaches `/`.
 */
export default function MaskEditor({ image, handle }: MaskEditorProps) {
  return <MaskEditorSession key={`${image.url} ${image.width}x${image.height}`} image={image} handle={handle} />;
}

function MaskEditorSession({ image, handle }: MaskEditorProps) {
  const [session] = useState(() => new MaskSession({ width: image.width, height: image.height }));
  const snap = useSyncExternalStore(session.subscribe, session.snapshot, session.snapshot);
  const [opacity, setOpacity] = useState(DEFAULT_OPACITY);
  const [colour, setColour] = useState(DEFAULT_COLOUR);
  const help = useId();
  const mask = useOverlay(session, colour);
  const { viewport, stage, preview } = useView(session);
  usePointerPainting(session, viewport);
  useHotkeys(session);
  useImperativeHandle(handle, () => ({ exportMask: () => exportMaskPng(session.raster), hasMask: () => session.raster.hasCoverage() }), [session]);

  const cursor = snap.panning ? "grab" : "crosshair";
  return (
    <div className="space-y-2">
      <Toolbar session={session} snap={snap} opacity={opacity} onOpacity={setOpacity} colour={colour} onColour={setColour} />
      <div
        ref={viewport}
        tabIndex={0}
        role="group"
        aria-label="Mask editor"
        aria-describedby={help}
        className="relative h-[65vh] min-h-72 select-none overflow-hidden rounded-lg border border-zinc-800 bg-zinc-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        style={{ touchAction: "none", cursor }}
      >
        <div ref={stage} className="absolute left-0 top-0 origin-top-left" style={{ width: image.width, height: image.height, willChange: "transform" }}>
          <img src={image.url} alt="" width={image.width} height={image.height} draggable={false} className="absolute inset-0 h-full w-full max-w-none" />
          <canvas ref={mask} aria-label="Mask canvas" width={image.width} height={image.height} className="absolute inset-0 h-full w-full" style={{ opacity }} />
        </div>
        <canvas ref={preview} aria-hidden="true" className="pointer-events-none absolute inset-0 h-full w-full" />
      </div>
      <p id={help} className="text-xs text-zinc-500">
        Paint where the picture may change. B brush, E eraser, R rectangle, L lasso (Alt subtracts), I invert, [ and ] size, Ctrl/Cmd+Z undo,
        Shift+Ctrl/Cmd+Z redo; wheel zooms, Space-drag or middle-drag pans, two fingers pan and pinch.
      </p>
    </div>
  );
}

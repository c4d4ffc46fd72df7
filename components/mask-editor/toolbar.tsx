"use client";

import { useId, type ReactNode } from "react";
import type { MaskSession, SessionSnapshot } from "@/components/mask-editor/mask-session";
import { MAX_FEATHER, MAX_SIZE, MIN_SIZE } from "@/components/mask-editor/tools";
import type { ToolName } from "@/components/mask-editor/types";

type ToolbarProps = {
  session: MaskSession;
  snap: SessionSnapshot;
  opacity: number;
  onOpacity: (opacity: number) => void;
  colour: string;
  onColour: (colour: string) => void;
};

const TOOLS: { tool: ToolName; label: string; key: string }[] = [
  { tool: "brush", label: "Brush", key: "B" },
  { tool: "eraser", label: "Eraser", key: "E" },
  { tool: "rectangle", label: "Rectangle", key: "R" },
  { tool: "lasso", label: "Lasso", key: "L" },
];

const button =
  "rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50 aria-pressed:border-sky-500 aria-pressed:bg-sky-950 aria-pressed:text-sky-200";

/** Every control of the mask editor; the hotkeys are in each button's title and aria-keyshortcuts. */
export function Toolbar({ session, snap, opacity, onOpacity, colour, onColour }: ToolbarProps) {
  return (
    <div role="toolbar" aria-label="Mask tools" className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <Group>
        {TOOLS.map(({ tool, label, key }) => (
          <button key={tool} type="button" className={button} aria-pressed={snap.tool === tool} aria-keyshortcuts={key} title={`${label} (${key})`} onClick={() => session.setTool(tool)}>
            {label}
          </button>
        ))}
      </Group>
      <Group>
        <button type="button" className={button} disabled={!snap.canUndo} aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl/Cmd+Z)" onClick={() => session.undo()}>
          Undo
        </button>
        <button type="button" className={button} disabled={!snap.canRedo} aria-keyshortcuts="Shift+Control+Z Shift+Meta+Z" title="Redo (Shift+Ctrl/Cmd+Z)" onClick={() => session.redo()}>
          Redo
        </button>
        <button type="button" className={button} aria-keyshortcuts="I" title="Invert mask (I)" onClick={() => session.invert()}>
          Invert mask
        </button>
        <button type="button" className={button} onClick={() => session.clear()}>
          Clear mask
        </button>
      </Group>
      <Group>
        <Slider label="Brush size" min={MIN_SIZE} max={MAX_SIZE} value={snap.size} shown={`${snap.size} px`} onChange={(size) => session.setSize(size)} />
        <Slider label="Feather" min={0} max={MAX_FEATHER} value={snap.feather} shown={`${snap.feather} px`} onChange={(feather) => session.setFeather(feather)} />
      </Group>
      <Group>
        <button type="button" className={button} disabled={!snap.canZoomOut} title="Zoom out (wheel)" onClick={() => session.zoom(-1)}>
          Zoom out
        </button>
        <button type="button" className={button} onClick={() => session.fit()}>
          Fit
        </button>
        <button type="button" className={button} disabled={!snap.canZoomIn} title="Zoom in (wheel)" onClick={() => session.zoom(1)}>
          Zoom in
        </button>
        <span className="w-12 text-xs tabular-nums text-zinc-400">{Math.round(snap.scale * 100)}%</span>
      </Group>
      <Group>
        <Slider label="Mask opacity" min={0} max={100} value={Math.round(opacity * 100)} shown={`${Math.round(opacity * 100)}%`} onChange={(percent) => onOpacity(percent / 100)} />
        <input type="color" aria-label="Overlay colour" title="Overlay colour" value={colour} onChange={(event) => onColour(event.target.value)} className="h-7 w-9 cursor-pointer rounded border border-zinc-700 bg-transparent" />
      </Group>
    </div>
  );
}

function Group({ children }: { children: ReactNode }) {
  return <div className="flex flex-wrap items-center gap-2">{children}</div>;
}

type SliderProps = { label: string; min: number; max: number; value: number; shown: string; onChange: (value: number) => void };

/** A range input named by its label alone (the value beside it is not part of the name). */
function Slider({ label, min, max, value, shown, onChange }: SliderProps) {
  const id = useId();
  return (
    <span className="flex items-center gap-2 text-xs text-zinc-300">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="range" min={min} max={max} step={1} value={value} onChange={(event) => onChange(Number(event.target.value))} className="w-28 accent-sky-500" />
      <span className="w-12 tabular-nums text-zinc-400">{shown}</span>
    </span>
  );
}

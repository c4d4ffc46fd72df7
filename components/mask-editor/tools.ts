import { pressureFactor, type PointerKind } from "@/components/mask-editor/pressure";
import type { Point, ToolName } from "@/components/mask-editor/types";
import type { Pinch } from "@/components/mask-editor/view";

export const MIN_SIZE = 1;
export const MAX_SIZE = 1000;
export const MAX_FEATHER = 200;
/** A lasso point is kept only this far (CSS pixels) from the last, so a slow hand does not pile up thousands. */
const LASSO_SPACING = 2;

export type PointerInput = {
  id: number;
  kind: PointerKind;
  /** The button that changed (pointerdown/up): 0 main, 1 middle, 5 a pen's eraser end. */
  button: number;
  screen: Point;
  image: Point;
  pressure: number;
  alt: boolean;
};

export type KeyInput = { key: string; ctrl: boolean; meta: boolean; shift: boolean; alt: boolean };

type Touch = { id: number; at: Point };

export type Gesture =
  | { kind: "idle" }
  | { kind: "stroke"; id: number; last: Point; pressure: number; erase: boolean }
  | { kind: "rectangle"; id: number; start: Point; end: Point; erase: boolean }
  | { kind: "lasso"; id: number; points: Point[]; lastScreen: Point; erase: boolean }
  | { kind: "pan"; id: number; last: Point }
  | { kind: "pinch"; a: Touch; b: Touch };

export type ToolState = {
  tool: ToolName;
  /** The brush's diameter in image pixels, at full pressure. */
  size: number;
  /** The width of the brush's soft edge in image pixels. */
  feather: number;
  spaceHeld: boolean;
  gesture: Gesture;
  touches: Touch[];
};

/** What a transition asks of the mask, its history and the view; the session carries them out in order. */
export type Effect =
  | { kind: "begin" }
  | { kind: "stroke"; from: Point; to: Point; radius: number; feather: number; erase: boolean }
  | { kind: "fill-rect"; from: Point; to: Point; erase: boolean }
  | { kind: "fill-polygon"; points: Point[]; erase: boolean }
  | { kind: "commit" }
  | { kind: "cancel" }
  | { kind: "pan"; dx: number; dy: number }
  | { kind: "pinch"; before: Pinch; after: Pinch }
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "invert" };

export type Transition = { state: ToolState; effects: Effect[] };

const IDLE: Gesture = { kind: "idle" };
const TOOL_KEYS: Record<string, ToolName> = { b: "brush", e: "eraser", r: "rectangle", l: "lasso" };

export function initialTools(image: { width: number; height: number }): ToolState {
  // About a twentieth of the short side: a useful stroke at fit on any image, small or 4K.
  const size = clampSize(Math.round(Math.min(image.width, image.height) / 20));
  return { tool: "brush", size, feather: Math.min(8, Math.round(size / 4)), spaceHeld: false, gesture: IDLE, touches: [] };
}

export function clampSize(size: number): number {
  return Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.round(size)));
}

export function clampFeather(feather: number): number {
  return Math.min(MAX_FEATHER, Math.max(0, Math.round(feather)));
}

/** `[` and `]`: a fifth smaller or larger, and at least one pixel, so small and large brushes change alike. */
export function stepSize(size: number, direction: 1 | -1): number {
  return clampSize(direction > 0 ? Math.max(size + 1, size * 1.2) : Math.min(size - 1, size / 1.2));
}

export function setTool(state: ToolState, tool: ToolName): ToolState {
  return { ...state, tool };
}

export function radiusFor(state: ToolState, kind: PointerKind, pressure: number): number {
  return (state.size / 2) * pressureFactor(kind, pressure);
}

export function pointerDown(state: ToolState, input: PointerInput): Transition {
  let next = state;
  if (input.kind === "touch") {
    const touches = [...state.touches.filter((t) => t.id !== input.id), { id: input.id, at: input.screen }];
    next = { ...state, touches };
    const owner = ownerOf(state.gesture);
    const byTouch = state.gesture.kind === "idle" || touches.some((t) => t.id === owner);
    if (touches.length === 2 && byTouch) {
      // A second finger turns the gesture into pan and pinch; what the first finger painted is taken back.
      // (A finger landing while a pen or the mouse draws is a resting hand, and is ignored.)
      const effects: Effect[] = state.gesture.kind === "stroke" ? [{ kind: "cancel" }] : [];
      return { state: { ...next, gesture: { kind: "pinch", a: touches[0]!, b: touches[1]! } }, effects };
    }
    if (touches.length > 1) return { state: next, effects: [] };
  }
  if (state.gesture.kind !== "idle") return { state: next, effects: [] };
  if (input.button === 1 || (input.button === 0 && state.spaceHeld)) {
    return { state: { ...next, gesture: { kind: "pan", id: input.id, last: input.screen } }, effects: [] };
  }
  const penEraser = input.kind === "pen" && input.button === 5;
  if (input.button !== 0 && !penEraser) return { state: next, effects: [] };
  if (state.tool === "brush" || state.tool === "eraser" || penEraser) {
    const erase = state.tool === "eraser" || penEraser;
    const radius = radiusFor(state, input.kind, input.pressure);
    return {
      state: { ...next, gesture: { kind: "stroke", id: input.id, last: input.image, pressure: input.pressure, erase } },
      effects: [{ kind: "begin" }, { kind: "stroke", from: input.image, to: input.image, radius, feather: state.feather, erase }],
    };
  }
  // Alt subtracts a rectangle or a lasso from the mask instead of adding it.
  if (state.tool === "rectangle") {
    return { state: { ...next, gesture: { kind: "rectangle", id: input.id, start: input.image, end: input.image, erase: input.alt } }, effects: [] };
  }
  return {
    state: { ...next, gesture: { kind: "lasso", id: input.id, points: [input.image], lastScreen: input.screen, erase: input.alt } },
    effects: [],
  };
}

export function pointerMove(state: ToolState, input: PointerInput): Transition {
  const touches = input.kind === "touch" ? state.touches.map((t) => (t.id === input.id ? { id: t.id, at: input.screen } : t)) : state.touches;
  const next = touches === state.touches ? state : { ...state, touches };
  const gesture = state.gesture;
  switch (gesture.kind) {
    case "pinch": {
      if (gesture.a.id !== input.id && gesture.b.id !== input.id) return { state: next, effects: [] };
      const moved = { a: gesture.a.id === input.id ? { id: input.id, at: input.screen } : gesture.a, b: gesture.b.id === input.id ? { id: input.id, at: input.screen } : gesture.b };
      return { state: { ...next, gesture: { kind: "pinch", ...moved } }, effects: [{ kind: "pinch", before: pinchOf(gesture.a, gesture.b), after: pinchOf(moved.a, moved.b) }] };
    }
    case "pan": {
      if (gesture.id !== input.id) return { state: next, effects: [] };
      const effect: Effect = { kind: "pan", dx: input.screen.x - gesture.last.x, dy: input.screen.y - gesture.last.y };
      return { state: { ...next, gesture: { ...gesture, last: input.screen } }, effects: [effect] };
    }
    case "stroke": {
      if (gesture.id !== input.id) return { state: next, effects: [] };
      // Each segment paints at the mean of its two ends' pressure; coalesced events keep segments short enough to look tapered.
      const radius = radiusFor(state, input.kind, (gesture.pressure + input.pressure) / 2);
      const effect: Effect = { kind: "stroke", from: gesture.last, to: input.image, radius, feather: state.feather, erase: gesture.erase };
      return { state: { ...next, gesture: { ...gesture, last: input.image, pressure: input.pressure } }, effects: [effect] };
    }
    case "rectangle":
      if (gesture.id !== input.id) return { state: next, effects: [] };
      return { state: { ...next, gesture: { ...gesture, end: input.image } }, effects: [] };
    case "lasso": {
      if (gesture.id !== input.id) return { state: next, effects: [] };
      if (Math.hypot(input.screen.x - gesture.lastScreen.x, input.screen.y - gesture.lastScreen.y) < LASSO_SPACING) return { state: next, effects: [] };
      return { state: { ...next, gesture: { ...gesture, points: [...gesture.points, input.image], lastScreen: input.screen } }, effects: [] };
    }
    default:
      return { state: next, effects: [] };
  }
}

export function pointerUp(state: ToolState, input: PointerInput): Transition {
  const next = { ...state, touches: state.touches.filter((t) => t.id !== input.id) };
  const gesture = state.gesture;
  switch (gesture.kind) {
    case "pinch":
      // Lifting either finger ends the pinch; the one left on the glass does not start painting.
      return { state: gesture.a.id === input.id || gesture.b.id === input.id ? { ...next, gesture: IDLE } : next, effects: [] };
    case "pan":
      return { state: gesture.id === input.id ? { ...next, gesture: IDLE } : next, effects: [] };
    case "stroke":
      return gesture.id === input.id ? { state: { ...next, gesture: IDLE }, effects: [{ kind: "commit" }] } : { state: next, effects: [] };
    case "rectangle":
      if (gesture.id !== input.id) return { state: next, effects: [] };
      return {
        state: { ...next, gesture: IDLE },
        effects: [{ kind: "begin" }, { kind: "fill-rect", from: gesture.start, to: input.image, erase: gesture.erase }, { kind: "commit" }],
      };
    case "lasso": {
      if (gesture.id !== input.id) return { state: next, effects: [] };
      const points = [...gesture.points, input.image];
      if (points.length < 3) return { state: { ...next, gesture: IDLE }, effects: [] };
      return { state: { ...next, gesture: IDLE }, effects: [{ kind: "begin" }, { kind: "fill-polygon", points, erase: gesture.erase }, { kind: "commit" }] };
    }
    default:
      return { state: next, effects: [] };
  }
}

/** The browser took the pointer away: a stroke keeps what it painted (the person saw it), a shape not yet closed is dropped. */
export function pointerCancel(state: ToolState, input: PointerInput): Transition {
  const next = { ...state, touches: state.touches.filter((t) => t.id !== input.id) };
  const gesture = state.gesture;
  if (gesture.kind === "idle") return { state: next, effects: [] };
  const ours = gesture.kind === "pinch" ? gesture.a.id === input.id || gesture.b.id === input.id : ownerOf(gesture) === input.id;
  if (!ours) return { state: next, effects: [] };
  return { state: { ...next, gesture: IDLE }, effects: gesture.kind === "stroke" ? [{ kind: "commit" }] : [] };
}

/**
 * Hotkeys: B, E, R, L pick a tool, I inverts, `[` and `]` resize, Ctrl/Cmd+Z undoes and
 * Shift+Ctrl/Cmd+Z (or Ctrl+Y) redoes, Space held turns a drag into a pan. `handled` says whether
 * the key was the editor's (the caller then stops the browser's own use of it). Undo, redo and
 * invert wait while a gesture is under way: they would pull the mask from under the pointer.
 */
export function keyDown(state: ToolState, input: KeyInput): Transition & { handled: boolean } {
  const key = input.key.toLowerCase();
  const busy = state.gesture.kind !== "idle";
  const none = { state, effects: [] as Effect[], handled: true };
  if (key === " ") return { ...none, state: state.spaceHeld ? state : { ...state, spaceHeld: true } };
  if (input.ctrl || input.meta) {
    if (key === "z" && !input.alt) return { ...none, effects: busy ? [] : [{ kind: input.shift ? "redo" : "undo" }] };
    if (key === "y" && input.ctrl && !input.shift && !input.alt) return { ...none, effects: busy ? [] : [{ kind: "redo" }] };
    return { ...none, handled: false };
  }
  if (input.alt) return { ...none, handled: false };
  const tool = TOOL_KEYS[key];
  if (tool && !input.shift) return { ...none, state: setTool(state, tool) };
  if (key === "i" && !input.shift) return { ...none, effects: busy ? [] : [{ kind: "invert" }] };
  if (input.key === "[") return { ...none, state: { ...state, size: stepSize(state.size, -1) } };
  if (input.key === "]") return { ...none, state: { ...state, size: stepSize(state.size, 1) } };
  return { ...none, handled: false };
}

export function keyUp(state: ToolState, input: Pick<KeyInput, "key">): ToolState {
  return input.key === " " && state.spaceHeld ? { ...state, spaceHeld: false } : state;
}

/** The pointer a one-pointer gesture follows. */
function ownerOf(gesture: Gesture): number | null {
  return gesture.kind === "idle" || gesture.kind === "pinch" ? null : gesture.id;
}

function pinchOf(a: Touch, b: Touch): Pinch {
  return { center: { x: (a.at.x + b.at.x) / 2, y: (a.at.y + b.at.y) / 2 }, distance: Math.hypot(a.at.x - b.at.x, a.at.y - b.at.y) };
}

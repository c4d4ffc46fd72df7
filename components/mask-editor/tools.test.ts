import { describe, expect, it } from "vitest";
import {
  initialTools,
  keyDown,
  keyUp,
  MAX_SIZE,
  MIN_SIZE,
  pointerCancel,
  pointerDown,
  pointerMove,
  pointerUp,
  stepSize,
  type KeyInput,
  type PointerInput,
  type ToolState,
} from "@/components/mask-editor/tools";
import type { ToolName } from "@/components/mask-editor/types";

const start = (tool: ToolName = "brush", extra: Partial<ToolState> = {}): ToolState => ({ ...initialTools({ width: 1000, height: 800 }), tool, size: 40, feather: 6, ...extra });

/** A pointer at image point (x, y); the screen point is twice it, as at 200% zoom. */
function at(x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput {
  return { id: 1, kind: "mouse", button: 0, screen: { x: x * 2, y: y * 2 }, image: { x, y }, pressure: 0.5, alt: false, ...extra };
}
const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrl: false, meta: false, shift: false, alt: false, ...extra });

describe("the brush and the eraser", () => {
  it("paints a dot on press, a segment from the last point on each move, and commits on release", () => {
    let state = start("brush");
    const down = pointerDown(state, at(10, 10));
    expect(down.effects).toEqual([{ kind: "begin" }, { kind: "stroke", from: { x: 10, y: 10 }, to: { x: 10, y: 10 }, radius: 20, feather: 6, erase: false }]);
    state = down.state;
    const move1 = pointerMove(state, at(14, 12));
    expect(move1.effects).toEqual([{ kind: "stroke", from: { x: 10, y: 10 }, to: { x: 14, y: 12 }, radius: 20, feather: 6, erase: false }]);
    const move2 = pointerMove(move1.state, at(20, 12));
    expect(move2.effects).toEqual([{ kind: "stroke", from: { x: 14, y: 12 }, to: { x: 20, y: 12 }, radius: 20, feather: 6, erase: false }]);
    const up = pointerUp(move2.state, at(20, 12));
    expect(up.effects).toEqual([{ kind: "commit" }]);
    expect(up.state.gesture).toEqual({ kind: "idle" });
    // Moving without a button held paints nothing.
    expect(pointerMove(up.state, at(30, 30)).effects).toEqual([]);
  });

  it("erases with the eraser, and with a pen's eraser end whatever the tool", () => {
    const eraser = pointerDown(start("eraser"), at(5, 5));
    expect(eraser.effects[1]).toMatchObject({ kind: "stroke", erase: true });
    expect(pointerMove(eraser.state, at(6, 6)).effects[0]).toMatchObject({ erase: true });
    const penEnd = pointerDown(start("rectangle"), at(5, 5, { kind: "pen", button: 5, pressure: 1 }));
    expect(penEnd.effects[1]).toMatchObject({ kind: "stroke", erase: true, radius: 20 });
  });

  it("follows a pen's pressure, each segment at the mean of its ends", () => {
    const radius = (effect: unknown) => (effect as { radius: number }).radius;
    const down = pointerDown(start("brush"), at(0, 0, { kind: "pen", pressure: 0 }));
    expect(radius(down.effects[1])).toBeCloseTo(4, 9);
    const move = pointerMove(down.state, at(1, 0, { kind: "pen", pressure: 1 }));
    expect(radius(move.effects[0])).toBeCloseTo(12, 9);
    // A mouse reports 0.5 while pressed: full size.
    expect(pointerDown(start("brush"), at(0, 0, { pressure: 0.5 })).effects[1]).toMatchObject({ radius: 20 });
  });

  it("ignores the right button and another pointer's moves", () => {
    expect(pointerDown(start(), at(1, 1, { button: 2 })).effects).toEqual([]);
    const down = pointerDown(start(), at(1, 1));
    expect(pointerMove(down.state, at(5, 5, { id: 7 })).effects).toEqual([]);
    expect(pointerDown(down.state, at(5, 5, { id: 7 })).state.gesture).toEqual(down.state.gesture);
    expect(pointerUp(down.state, at(5, 5, { id: 7 })).effects).toEqual([]);
  });

  it("keeps what a cancelled stroke painted", () => {
    const down = pointerDown(start(), at(1, 1));
    const cancel = pointerCancel(down.state, at(1, 1));
    expect(cancel.effects).toEqual([{ kind: "commit" }]);
    expect(cancel.state.gesture.kind).toBe("idle");
    expect(pointerCancel(cancel.state, at(1, 1)).effects).toEqual([]); // the lost capture after an up ends nothing twice
  });
});

describe("rectangle and lasso", () => {
  it("drags a rectangle and fills it on release, subtracting with Alt", () => {
    const down = pointerDown(start("rectangle"), at(10, 20));
    expect(down.effects).toEqual([]);
    const move = pointerMove(down.state, at(30, 5));
    expect(move.state.gesture).toMatchObject({ kind: "rectangle", start: { x: 10, y: 20 }, end: { x: 30, y: 5 } });
    expect(pointerUp(move.state, at(31, 6)).effects).toEqual([
      { kind: "begin" },
      { kind: "fill-rect", from: { x: 10, y: 20 }, to: { x: 31, y: 6 }, erase: false },
      { kind: "commit" },
    ]);
    const alt = pointerDown(start("rectangle"), at(10, 20, { alt: true }));
    expect(pointerUp(alt.state, at(40, 40)).effects[1]).toMatchObject({ kind: "fill-rect", erase: true });
  });

  it("collects lasso points a few screen pixels apart and fills the polygon on release", () => {
    let state = pointerDown(start("lasso"), at(0, 0)).state;
    state = pointerMove(state, at(0.5, 0)).state; // 1 screen pixel: skipped
    state = pointerMove(state, at(10, 0)).state;
    state = pointerMove(state, at(10, 10)).state;
    expect(state.gesture).toMatchObject({ kind: "lasso", points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] });
    expect(pointerUp(state, at(0, 10)).effects).toEqual([
      { kind: "begin" },
      { kind: "fill-polygon", points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }], erase: false },
      { kind: "commit" },
    ]);
  });

  it("drops a lasso too small to enclose anything", () => {
    const down = pointerDown(start("lasso"), at(0, 0));
    const up = pointerUp(down.state, at(3, 3));
    expect(up.effects).toEqual([]);
    expect(up.state.gesture.kind).toBe("idle");
  });
});

describe("panning", () => {
  it("pans with a middle-button drag, whatever the tool", () => {
    const down = pointerDown(start("brush"), at(10, 10, { button: 1 }));
    expect(down.effects).toEqual([]);
    const move = pointerMove(down.state, at(15, 12));
    expect(move.effects).toEqual([{ kind: "pan", dx: 10, dy: 4 }]);
    expect(pointerUp(move.state, at(15, 12)).state.gesture.kind).toBe("idle");
  });

  it("pans with a drag while Space is held, and paints again once it is released", () => {
    const held = keyDown(start("lasso"), key(" "));
    expect(held.handled).toBe(true);
    expect(held.state.spaceHeld).toBe(true);
    const down = pointerDown(held.state, at(0, 0));
    expect(pointerMove(down.state, at(1, 1)).effects).toEqual([{ kind: "pan", dx: 2, dy: 2 }]);
    const released = keyUp(pointerUp(down.state, at(1, 1)).state, { key: " " });
    expect(released.spaceHeld).toBe(false);
    expect(pointerDown(released, at(0, 0)).state.gesture.kind).toBe("lasso");
  });
});

describe("touch", () => {
  const finger = (id: number, x: number, y: number) => at(x, y, { id, kind: "touch", pressure: 0 });

  it("paints with one finger at full size", () => {
    const down = pointerDown(start(), finger(1, 5, 5));
    expect(down.effects).toEqual([{ kind: "begin" }, expect.objectContaining({ kind: "stroke", radius: 20 })]);
  });

  it("turns a second finger into pan and pinch, taking back the first finger's stroke", () => {
    let state = pointerDown(start(), finger(1, 10, 10)).state;
    state = pointerMove(state, finger(1, 12, 10)).state;
    const second = pointerDown(state, finger(2, 30, 10));
    expect(second.effects).toEqual([{ kind: "cancel" }]);
    expect(second.state.gesture.kind).toBe("pinch");
    // Screen points: finger 1 at (24, 20), finger 2 at (60, 20); finger 2 moves out to (84, 20).
    const spread = pointerMove(second.state, finger(2, 42, 10));
    expect(spread.effects).toEqual([
      { kind: "pinch", before: { center: { x: 42, y: 20 }, distance: 36 }, after: { center: { x: 54, y: 20 }, distance: 60 } },
    ]);
    const lifted = pointerUp(spread.state, finger(2, 42, 10));
    expect(lifted.state.gesture.kind).toBe("idle");
    // The finger left on the glass does not start painting; lifted and pressed again, it does.
    expect(pointerMove(lifted.state, finger(1, 20, 20)).effects).toEqual([]);
    const again = pointerDown(pointerUp(lifted.state, finger(1, 20, 20)).state, finger(3, 1, 1));
    expect(again.effects[0]).toEqual({ kind: "begin" });
  });

  it("pinches from two fingers landing on an idle editor, and ignores a third", () => {
    let state = pointerDown(start("rectangle"), finger(1, 0, 0)).state;
    const second = pointerDown(state, finger(2, 10, 0));
    expect(second.effects).toEqual([]); // a rectangle not yet drawn has nothing to take back
    state = second.state;
    expect(state.gesture.kind).toBe("pinch");
    const third = pointerDown(state, finger(3, 5, 5));
    expect(third.state.gesture).toEqual(state.gesture);
    expect(pointerMove(third.state, finger(3, 6, 6)).effects).toEqual([]);
  });

  it("ignores a hand resting on the screen while a pen draws", () => {
    const pen = pointerDown(start(), at(0, 0, { id: 9, kind: "pen", pressure: 0.7 }));
    const palm = pointerDown(pen.state, finger(1, 50, 50));
    const palm2 = pointerDown(palm.state, finger(2, 60, 60));
    expect([...palm.effects, ...palm2.effects]).toEqual([]);
    expect(palm2.state.gesture.kind).toBe("stroke");
    expect(pointerMove(palm2.state, at(1, 0, { id: 9, kind: "pen", pressure: 0.7 })).effects).toHaveLength(1);
  });
});

describe("hotkeys", () => {
  it("picks tools with B, E, R and L", () => {
    let state = start("brush");
    for (const [k, tool] of [["e", "eraser"], ["r", "rectangle"], ["L", "lasso"], ["b", "brush"]] as const) {
      const result = keyDown(state, key(k));
      expect(result.handled).toBe(true);
      expect(result.state.tool).toBe(tool);
      state = result.state;
    }
    // With Shift, Ctrl or Alt a letter is not a tool key.
    expect(keyDown(state, key("E", { shift: true })).state.tool).toBe("brush");
    expect(keyDown(state, key("e", { ctrl: true })).handled).toBe(false);
    expect(keyDown(state, key("e", { alt: true })).handled).toBe(false);
  });

  it("inverts with I, and not in the middle of a stroke", () => {
    expect(keyDown(start(), key("i")).effects).toEqual([{ kind: "invert" }]);
    const painting = pointerDown(start(), at(0, 0)).state;
    expect(keyDown(painting, key("i"))).toMatchObject({ handled: true, effects: [] });
  });

  it("undoes with Ctrl/Cmd+Z and redoes with Shift+Ctrl/Cmd+Z or Ctrl+Y", () => {
    const state = start();
    expect(keyDown(state, key("z", { ctrl: true })).effects).toEqual([{ kind: "undo" }]);
    expect(keyDown(state, key("z", { meta: true })).effects).toEqual([{ kind: "undo" }]);
    expect(keyDown(state, key("Z", { ctrl: true, shift: true })).effects).toEqual([{ kind: "redo" }]);
    expect(keyDown(state, key("Z", { meta: true, shift: true })).effects).toEqual([{ kind: "redo" }]);
    expect(keyDown(state, key("y", { ctrl: true })).effects).toEqual([{ kind: "redo" }]);
    expect(keyDown(state, key("s", { ctrl: true })).handled).toBe(false);
    const painting = pointerDown(state, at(0, 0)).state;
    expect(keyDown(painting, key("z", { ctrl: true })).effects).toEqual([]);
  });

  it("steps the size with [ and ] within its bounds", () => {
    expect(keyDown(start(), key("]")).state.size).toBe(48);
    expect(keyDown(start(), key("[")).state.size).toBe(33);
    expect(stepSize(1, 1)).toBe(2);
    expect(stepSize(2, -1)).toBe(1);
    expect(stepSize(MIN_SIZE, -1)).toBe(MIN_SIZE);
    expect(stepSize(MAX_SIZE, 1)).toBe(MAX_SIZE);
    expect(stepSize(900, 1)).toBe(MAX_SIZE);
  });

  it("leaves other keys to the page", () => {
    expect(keyDown(start(), key("x")).handled).toBe(false);
    expect(keyDown(start(), key("Enter")).handled).toBe(false);
  });

  it("starts with the brush at a size fitting the image", () => {
    expect(initialTools({ width: 3840, height: 2160 })).toMatchObject({ tool: "brush", size: 108, feather: 8, gesture: { kind: "idle" } });
    expect(initialTools({ width: 16, height: 16 }).size).toBe(MIN_SIZE);
  });
});

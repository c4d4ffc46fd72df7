import { describe, expect, it } from "vitest";
import { MaskSession, type ScreenPointer } from "@/components/mask-editor/mask-session";
import type { Box } from "@/components/mask-editor/types";
import { screenToImage } from "@/components/mask-editor/view";

const pointer = (x: number, y: number, extra: Partial<ScreenPointer> = {}): ScreenPointer => ({
  id: 1,
  kind: "mouse",
  button: 0,
  screen: { x, y },
  pressure: 0.5,
  alt: false,
  ...extra,
});

/** A 400x200 image in an 816x416 viewport: fitted at scale 2 within the 8-pixel margin, image (0, 0) at screen (8, 8). */
function session() {
  const s = new MaskSession({ width: 400, height: 200 });
  s.setViewport({ width: 816, height: 416 });
  const dirty: Box[] = [];
  s.attach({ dirty: (box) => dirty.push(box) });
  return { s, dirty };
}

describe("a mask session", () => {
  it("fits the image to the viewport and paints where the pointer is on the image", () => {
    const { s, dirty } = session();
    expect(s.view).toEqual({ scale: 2, x: 8, y: 8 });
    s.setSize(10);
    s.setFeather(0);
    s.pointerDown(pointer(8 + 2 * 100, 8 + 2 * 50));
    s.pointerMove(pointer(8 + 2 * 150, 8 + 2 * 50));
    s.pointerUp(pointer(8 + 2 * 150, 8 + 2 * 50));
    expect(s.raster.at(100, 50)).toBe(255);
    expect(s.raster.at(149, 50)).toBe(255);
    expect(s.raster.at(100, 60)).toBe(0);
    expect(dirty.length).toBe(2);
    expect(s.snapshot()).toMatchObject({ canUndo: true, canRedo: false, size: 10, feather: 0 });
  });

  it("undoes and redoes a stroke from the keyboard and the buttons alike, telling the renderer what to redraw", () => {
    const { s, dirty } = session();
    s.pointerDown(pointer(100, 100));
    s.pointerMove(pointer(300, 120));
    s.pointerUp(pointer(300, 120));
    const painted = s.raster.data.slice();
    expect(s.keyDown({ key: "z", ctrl: true, meta: false, shift: false, alt: false })).toBe(true);
    expect(s.raster.hasCoverage()).toBe(false);
    expect(s.snapshot()).toMatchObject({ canUndo: false, canRedo: true });
    s.redo();
    expect(s.raster.data).toEqual(painted);
    s.undo();
    expect(dirty.at(-1)).toEqual(dirty.at(-2)); // undo and redo redraw the same box
  });

  it("inverts and clears as undoable operations", () => {
    const { s } = session();
    s.invert();
    expect(s.raster.at(0, 0)).toBe(255);
    s.clear();
    expect(s.raster.hasCoverage()).toBe(false);
    s.undo();
    expect(s.raster.at(399, 199)).toBe(255);
    s.undo();
    expect(s.raster.hasCoverage()).toBe(false);
  });

  it("takes back a finger's stroke when a second finger lands, and pinches instead", () => {
    const { s } = session();
    const finger = (id: number, x: number, y: number) => pointer(x, y, { id, kind: "touch", pressure: 0 });
    s.pointerDown(finger(1, 200, 200));
    s.pointerMove(finger(1, 260, 200));
    expect(s.raster.hasCoverage()).toBe(true);
    s.pointerDown(finger(2, 400, 200));
    expect(s.raster.hasCoverage()).toBe(false);
    const under = screenToImage(s.view, { x: 330, y: 200 });
    s.pointerMove(finger(2, 540, 200)); // the fingers spread from 140 to 280 pixels apart
    expect(s.view.scale).toBeCloseTo(4, 9);
    const centre = screenToImage(s.view, { x: 400, y: 200 });
    expect(centre.x).toBeCloseTo(under.x, 9);
    expect(centre.y).toBeCloseTo(under.y, 9);
    s.pointerUp(finger(2, 540, 200));
    s.pointerUp(finger(1, 260, 200));
    expect(s.snapshot().canUndo).toBe(false);
  });

  it("zooms at the wheel's pointer and stops fitting on resize once the person zoomed", () => {
    const { s } = session();
    const at = { x: 321, y: 123 };
    const under = screenToImage(s.view, at);
    s.wheel({ deltaY: -240, deltaMode: 0, ctrlKey: false }, at);
    expect(s.view.scale).toBeGreaterThan(2);
    expect(screenToImage(s.view, at).x).toBeCloseTo(under.x, 9);
    const zoomed = s.view;
    s.setViewport({ width: 600, height: 300 });
    expect(s.view).toEqual(zoomed);
    s.fit();
    s.setViewport({ width: 416, height: 216 });
    expect(s.view).toEqual({ scale: 1, x: 8, y: 8 });
  });

  it("pans with Space held and tells the toolbar so", () => {
    const { s } = session();
    s.keyDown({ key: " ", ctrl: false, meta: false, shift: false, alt: false });
    expect(s.snapshot().panning).toBe(true);
    s.pointerDown(pointer(10, 10));
    s.pointerMove(pointer(30, 5));
    s.pointerUp(pointer(30, 5));
    expect(s.view).toMatchObject({ x: 28, y: 3 });
    expect(s.raster.hasCoverage()).toBe(false);
    s.keyUp({ key: " " });
    expect(s.snapshot().panning).toBe(false);
  });

  it("hands out one snapshot object until something it shows changes", () => {
    const { s } = session();
    let calls = 0;
    s.subscribe(() => calls++);
    const first = s.snapshot();
    s.pointerMove(pointer(50, 50)); // hovering changes nothing shown
    expect(s.snapshot()).toBe(first);
    s.setTool("lasso");
    expect(s.snapshot()).not.toBe(first);
    expect(s.snapshot().tool).toBe("lasso");
    expect(calls).toBe(1);
  });
});

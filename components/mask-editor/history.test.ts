import { describe, expect, it } from "vitest";
import { MaskHistory } from "@/components/mask-editor/history";
import { MaskRaster } from "@/components/mask-editor/mask-raster";

function setup(width = 200, height = 150, maxBytes?: number) {
  const raster = new MaskRaster(width, height);
  const history = new MaskHistory(raster, maxBytes);
  const run = (write: () => unknown) => {
    history.begin();
    write();
    return history.commit();
  };
  return { raster, history, run, snapshot: () => raster.data.slice() };
}

describe("undo and redo", () => {
  it("takes a whole stroke back as one operation and puts it back exactly", () => {
    const { raster, history, snapshot } = setup();
    const empty = snapshot();
    history.begin();
    // A stroke of many segments across several 64-pixel tiles.
    for (let x = 10; x < 180; x += 3) raster.stroke({ x, y: 40 + x / 3 }, { x: x + 3, y: 41 + x / 3 }, { radius: 9, feather: 4, erase: false });
    const box = history.commit();
    const painted = snapshot();
    expect(box).toEqual(raster.contentBox());
    expect(history.depth).toEqual({ undo: 1, redo: 0 });

    expect(history.undo()).toEqual(box);
    expect(raster.data).toEqual(empty);
    expect(history.canUndo).toBe(false);
    expect(history.canRedo).toBe(true);
    expect(history.redo()).toEqual(box);
    expect(raster.data).toEqual(painted);
    expect(history.redo()).toBeNull();
  });

  it("walks back and forth through a sequence of different operations", () => {
    const { raster, history, run, snapshot } = setup();
    const states = [snapshot()];
    run(() => raster.fillRect({ x: 10, y: 10 }, { x: 90, y: 70 }));
    states.push(snapshot());
    run(() => raster.stroke({ x: 50, y: 40 }, { x: 150, y: 120 }, { radius: 20, feather: 8, erase: true }));
    states.push(snapshot());
    run(() => raster.invert());
    states.push(snapshot());
    run(() => raster.fillPolygon([{ x: 0, y: 0 }, { x: 199, y: 0 }, { x: 100, y: 149 }], { erase: true }));
    states.push(snapshot());
    run(() => raster.clear());
    states.push(snapshot());
    expect(history.depth.undo).toBe(5);

    for (let i = states.length - 2; i >= 0; i--) {
      history.undo();
      expect(raster.data).toEqual(states[i]);
    }
    expect(history.undo()).toBeNull();
    for (let i = 1; i < states.length; i++) {
      history.redo();
      expect(raster.data).toEqual(states[i]);
    }
    history.undo();
    history.undo();
    history.redo();
    expect(raster.data).toEqual(states[4]);
  });

  it("drops what could be redone once a new operation is made", () => {
    const { raster, history, run, snapshot } = setup();
    run(() => raster.fillRect({ x: 0, y: 0 }, { x: 20, y: 20 }));
    run(() => raster.fillRect({ x: 30, y: 30 }, { x: 50, y: 50 }));
    history.undo();
    expect(history.canRedo).toBe(true);
    run(() => raster.fillRect({ x: 100, y: 100 }, { x: 120, y: 120 }));
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBeNull();
    const now = snapshot();
    history.undo();
    expect(raster.at(110, 110)).toBe(0);
    expect(raster.at(40, 40)).toBe(0);
    expect(raster.at(10, 10)).toBe(255);
    history.redo();
    expect(raster.data).toEqual(now);
  });

  it("keeps no entry for an operation that changed nothing, and keeps only the box that changed", () => {
    const { raster, history, run } = setup();
    expect(run(() => raster.stroke({ x: 50, y: 50 }, { x: 90, y: 60 }, { radius: 10, feather: 2, erase: true }))).toBeNull();
    expect(history.canUndo).toBe(false);
    run(() => raster.fillRect({ x: 10, y: 10 }, { x: 30, y: 30 }));
    // Painting over part of it: only the newly covered strip counts.
    expect(run(() => raster.fillRect({ x: 20, y: 10 }, { x: 40, y: 30 }))).toEqual({ x: 30, y: 10, width: 10, height: 20 });
    expect(history.bytes).toBe(2 * (20 * 20) + 2 * (10 * 20));
  });

  it("cancels an operation under way, putting every pixel back", () => {
    const { raster, history, run, snapshot } = setup();
    run(() => raster.fillRect({ x: 60, y: 60 }, { x: 140, y: 100 }));
    const before = snapshot();
    history.begin();
    raster.stroke({ x: 0, y: 0 }, { x: 199, y: 149 }, { radius: 15, feather: 5, erase: false });
    raster.stroke({ x: 199, y: 0 }, { x: 0, y: 149 }, { radius: 15, feather: 5, erase: true });
    expect(history.canUndo).toBe(false); // not while an operation is under way
    expect(history.undo()).toBeNull();
    expect(history.cancel()).not.toBeNull();
    expect(raster.data).toEqual(before);
    expect(history.depth).toEqual({ undo: 1, redo: 0 });
  });

  it("refuses writes outside an operation and a second begin", () => {
    const { raster, history } = setup();
    expect(() => raster.invert()).toThrow(/begin/);
    history.begin();
    expect(() => history.begin()).toThrow();
    history.commit();
    expect(() => history.commit()).toThrow();
  });
});

describe("the memory cap", () => {
  it("drops the oldest entries once they hold more than the cap", () => {
    // Each 10x10 rectangle's entry holds 100 bytes before and 100 after.
    const { raster, history, run, snapshot } = setup(100, 100, 600);
    const states = [snapshot()];
    for (let i = 0; i < 5; i++) {
      run(() => raster.fillRect({ x: i * 20, y: 0 }, { x: i * 20 + 10, y: 10 }));
      states.push(snapshot());
    }
    expect(history.depth.undo).toBe(3);
    expect(history.bytes).toBe(600);
    history.undo();
    history.undo();
    history.undo();
    expect(raster.data).toEqual(states[2]);
    expect(history.undo()).toBeNull();
    expect(raster.data).toEqual(states[2]);
  });

  it("always keeps the newest operation, even one larger than the cap", () => {
    const { raster, history, run } = setup(100, 100, 1000);
    run(() => raster.fillRect({ x: 0, y: 0 }, { x: 10, y: 10 }));
    run(() => raster.invert()); // 2 x 10,000 bytes
    expect(history.depth.undo).toBe(1);
    history.undo();
    expect(raster.at(5, 5)).toBe(255);
    expect(raster.at(50, 50)).toBe(0);
  });

  it("counts what can be redone too, and frees it when a new operation drops it", () => {
    const { raster, history, run } = setup(100, 100);
    run(() => raster.fillRect({ x: 0, y: 0 }, { x: 10, y: 10 }));
    run(() => raster.fillRect({ x: 20, y: 0 }, { x: 30, y: 10 }));
    history.undo();
    expect(history.bytes).toBe(400);
    run(() => raster.fillRect({ x: 40, y: 0 }, { x: 45, y: 10 }));
    expect(history.bytes).toBe(200 + 100);
  });
});

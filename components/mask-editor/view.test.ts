import { describe, expect, it } from "vitest";
import {
  fitView,
  imageToScreen,
  MAX_SCALE,
  MIN_SCALE,
  panBy,
  pinchView,
  screenToImage,
  wheelZoom,
  zoomAt,
  zoomedInScale,
  zoomedOutScale,
  zoomStep,
  type View,
} from "@/components/mask-editor/view";

const close = (actual: { x: number; y: number }, expected: { x: number; y: number }) => {
  expect(actual.x).toBeCloseTo(expected.x, 9);
  expect(actual.y).toBeCloseTo(expected.y, 9);
};

describe("the view", () => {
  it("maps screen to image and back", () => {
    const view: View = { scale: 0.25, x: 40, y: -10 };
    expect(screenToImage(view, { x: 40, y: -10 })).toEqual({ x: 0, y: 0 });
    expect(screenToImage(view, { x: 140, y: 90 })).toEqual({ x: 400, y: 400 });
    close(imageToScreen(view, screenToImage(view, { x: 123.4, y: 56.7 })), { x: 123.4, y: 56.7 });
  });

  it("fits a 4K image in the viewport, centred, with the margin", () => {
    const view = fitView({ width: 1000, height: 800 }, { width: 3840, height: 2160 }, 8);
    expect(view.scale).toBeCloseTo(984 / 3840, 12);
    expect(view.x).toBeCloseTo(8, 9);
    expect(view.y).toBeCloseTo((800 - 2160 * view.scale) / 2, 9);
    // Every corner of the image is on screen.
    close(imageToScreen(view, { x: 3840, y: 2160 }), { x: 992, y: 800 - view.y });
  });

  it("fits a tall image by its height, and enlarges a small one to fill the viewport", () => {
    const tall = fitView({ width: 1000, height: 800 }, { width: 1024, height: 1536 }, 0);
    expect(tall.scale).toBeCloseTo(800 / 1536, 12);
    expect(tall.y).toBeCloseTo(0, 9);
    expect(fitView({ width: 1000, height: 800 }, { width: 100, height: 100 }, 0).scale).toBe(8);
  });

  it("keeps the image point under the pointer when zooming at it", () => {
    const view: View = { scale: 0.3, x: 17, y: -42 };
    const pointer = { x: 311, y: 207 };
    const under = screenToImage(view, pointer);
    for (const scale of [0.05, 1, 2.5, 16]) close(screenToImage(zoomAt(view, scale, pointer), pointer), under);
    close(screenToImage(wheelZoom(view, { deltaY: -120, deltaMode: 0, ctrlKey: false }, pointer), pointer), under);
    close(screenToImage(zoomStep(view, 1, pointer), pointer), under);
  });

  it("steps through the zoom ladder and stops at its ends", () => {
    expect(zoomedInScale(0.3)).toBe(0.33);
    expect(zoomedInScale(1)).toBe(1.5);
    expect(zoomedOutScale(1)).toBe(0.67);
    expect(zoomedOutScale(0.26)).toBe(0.25);
    expect(zoomedInScale(MAX_SCALE)).toBe(MAX_SCALE);
    expect(zoomedOutScale(MIN_SCALE)).toBe(MIN_SCALE);
    expect(zoomAt({ scale: 1, x: 0, y: 0 }, 1000, { x: 0, y: 0 }).scale).toBe(MAX_SCALE);
  });

  it("zooms in for a wheel turned up and out for one turned down, lines counting as 40 pixels", () => {
    const view: View = { scale: 1, x: 0, y: 0 };
    const at = { x: 0, y: 0 };
    expect(wheelZoom(view, { deltaY: -100, deltaMode: 0, ctrlKey: false }, at).scale).toBeCloseTo(Math.exp(0.2), 12);
    expect(wheelZoom(view, { deltaY: 100, deltaMode: 0, ctrlKey: false }, at).scale).toBeCloseTo(Math.exp(-0.2), 12);
    expect(wheelZoom(view, { deltaY: 3, deltaMode: 1, ctrlKey: false }, at).scale).toBeCloseTo(Math.exp(-0.24), 12);
    expect(wheelZoom(view, { deltaY: -10, deltaMode: 0, ctrlKey: true }, at).scale).toBeCloseTo(Math.exp(0.1), 12);
  });

  it("pans by screen pixels and pinches about the fingers' centre", () => {
    expect(panBy({ scale: 2, x: 10, y: 20 }, 5, -7)).toEqual({ scale: 2, x: 15, y: 13 });
    const view: View = { scale: 0.5, x: 100, y: 50 };
    const before = { center: { x: 300, y: 250 }, distance: 100 };
    const after = { center: { x: 340, y: 230 }, distance: 150 };
    const pinched = pinchView(view, before, after);
    expect(pinched.scale).toBeCloseTo(0.75, 12);
    close(screenToImage(pinched, after.center), screenToImage(view, before.center));
  });
});

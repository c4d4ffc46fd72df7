import { MaskHistory } from "@/components/mask-editor/history";
import { MaskRaster } from "@/components/mask-editor/mask-raster";
import * as tools from "@/components/mask-editor/tools";
import type { Effect, KeyInput, PointerInput, ToolState, Transition } from "@/components/mask-editor/tools";
import type { Box, Point, Size, ToolName } from "@/components/mask-editor/types";
import { fitView, MAX_SCALE, MIN_SCALE, panBy, pinchView, screenToImage, wheelZoom, zoomStep, type View } from "@/components/mask-editor/view";

/** A pointer as the browser reports it; the session works out the image point from the view. */
export type ScreenPointer = Omit<PointerInput, "image">;

/** What the toolbar shows; a new object only when one of these changes. */
export type SessionSnapshot = {
  tool: ToolName;
  size: number;
  feather: number;
  canUndo: boolean;
  canRedo: boolean;
  scale: number;
  canZoomIn: boolean;
  canZoomOut: boolean;
  /** Space held or a pan under way: the cursor says a drag moves the view. */
  panning: boolean;
};

/** The renderers' callbacks: the overlay redraws boxes, the stage follows the view, the preview redraws its outline. */
export type SessionRenderer = {
  dirty?: (box: Box) => void;
  view?: (view: View) => void;
  preview?: () => void;
};

/**
 * One editing session over one image, free of the DOM: the mask, its history, the tool state
 * machine and the view, and the glue that carries out each transition's effects. The component
 * feeds it pointer and key events and draws what it reports.
 */
export class MaskSession {
  readonly raster: MaskRaster;
  readonly history: MaskHistory;
  tools: ToolState;
  view: View = { scale: 1, x: 0, y: 0 };
  /** The last pointer position over the viewport (mouse or pen), for the brush outline. */
  hover: Point | null = null;
  private renderers = new Set<SessionRenderer>();
  private viewport: Size = { width: 0, height: 0 };
  private fitted = true;
  private listeners = new Set<() => void>();
  private snap: SessionSnapshot;

  constructor(
    readonly image: Size,
    maxHistoryBytes?: number,
  ) {
    this.raster = new MaskRaster(image.width, image.height);
    this.history = new MaskHistory(this.raster, maxHistoryBytes);
    this.tools = tools.initialTools(image);
    this.snap = this.takeSnapshot();
  }

  /** A renderer starts hearing of changes; the returned function stops it. */
  attach(renderer: SessionRenderer): () => void {
    this.renderers.add(renderer);
    return () => this.renderers.delete(renderer);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  snapshot = (): SessionSnapshot => this.snap;

  pointerDown(pointer: ScreenPointer): void {
    this.apply(tools.pointerDown(this.tools, this.locate(pointer)));
  }
  pointerMove(pointer: ScreenPointer): void {
    if (pointer.kind !== "touch") this.hover = pointer.screen;
    this.apply(tools.pointerMove(this.tools, this.locate(pointer)));
  }
  pointerUp(pointer: ScreenPointer): void {
    this.apply(tools.pointerUp(this.tools, this.locate(pointer)));
  }
  pointerCancel(pointer: ScreenPointer): void {
    this.apply(tools.pointerCancel(this.tools, this.locate(pointer)));
  }
  pointerLeave(): void {
    this.hover = null;
    this.redrawPreview();
  }

  /** Returns whether the key was the editor's. */
  keyDown(key: KeyInput): boolean {
    const { handled, ...transition } = tools.keyDown(this.tools, key);
    this.apply(transition);
    return handled;
  }
  keyUp(key: Pick<KeyInput, "key">): void {
    this.apply({ state: tools.keyUp(this.tools, key), effects: [] });
  }

  setTool(tool: ToolName): void {
    this.apply({ state: tools.setTool(this.tools, tool), effects: [] });
  }
  setSize(size: number): void {
    this.apply({ state: { ...this.tools, size: tools.clampSize(size) }, effects: [] });
  }
  setFeather(feather: number): void {
    this.apply({ state: { ...this.tools, feather: tools.clampFeather(feather) }, effects: [] });
  }
  undo(): void {
    this.apply({ state: this.tools, effects: [{ kind: "undo" }] });
  }
  redo(): void {
    this.apply({ state: this.tools, effects: [{ kind: "redo" }] });
  }
  invert(): void {
    this.apply({ state: this.tools, effects: [{ kind: "invert" }] });
  }
  clear(): void {
    if (this.history.busy) return;
    this.operation(() => this.raster.clear());
    this.refresh();
  }

  setViewport(size: Size): void {
    this.viewport = size;
    if (this.fitted) this.setView(fitView(size, this.image), true);
  }
  fit(): void {
    this.setView(fitView(this.viewport, this.image), true);
  }
  zoom(direction: 1 | -1, at: Point = { x: this.viewport.width / 2, y: this.viewport.height / 2 }): void {
    this.setView(zoomStep(this.view, direction, at), false);
  }
  wheel(wheel: { deltaY: number; deltaMode: number; ctrlKey: boolean }, at: Point): void {
    this.setView(wheelZoom(this.view, wheel, at), false);
  }

  private locate(pointer: ScreenPointer): PointerInput {
    return { ...pointer, image: screenToImage(this.view, pointer.screen) };
  }

  private apply({ state, effects }: Transition): void {
    this.tools = state;
    for (const effect of effects) this.run(effect);
    this.redrawPreview();
    this.refresh();
  }

  private run(effect: Effect): void {
    switch (effect.kind) {
      case "begin":
        return this.history.begin();
      case "stroke":
        return this.dirty(this.raster.stroke(effect.from, effect.to, effect));
      case "fill-rect":
        return this.dirty(this.raster.fillRect(effect.from, effect.to, { erase: effect.erase }));
      case "fill-polygon":
        return this.dirty(this.raster.fillPolygon(effect.points, { erase: effect.erase }));
      case "commit":
        this.history.commit();
        return;
      case "cancel":
        return this.dirty(this.history.cancel());
      case "undo":
        return this.dirty(this.history.undo());
      case "redo":
        return this.dirty(this.history.redo());
      case "invert":
        if (!this.history.busy) this.operation(() => this.raster.invert());
        return;
      case "pan":
        return this.setView(panBy(this.view, effect.dx, effect.dy), false);
      case "pinch":
        return this.setView(pinchView(this.view, effect.before, effect.after), false);
    }
  }

  private operation(write: () => Box | null): void {
    this.history.begin();
    this.dirty(write());
    this.history.commit();
  }

  private dirty(box: Box | null): void {
    if (box) for (const renderer of this.renderers) renderer.dirty?.(box);
  }

  private setView(view: View, fitted: boolean): void {
    this.view = view;
    this.fitted = fitted;
    for (const renderer of this.renderers) renderer.view?.(view);
    this.redrawPreview();
    this.refresh();
  }

  private redrawPreview(): void {
    for (const renderer of this.renderers) renderer.preview?.();
  }

  private takeSnapshot(): SessionSnapshot {
    const { tool, size, feather, spaceHeld, gesture } = this.tools;
    const scale = this.view.scale;
    return {
      tool,
      size,
      feather,
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      scale,
      canZoomIn: scale < MAX_SCALE,
      canZoomOut: scale > MIN_SCALE,
      panning: spaceHeld || gesture.kind === "pan" || gesture.kind === "pinch",
    };
  }

  private refresh(): void {
    const next = this.takeSnapshot();
    const same = (Object.keys(next) as (keyof SessionSnapshot)[]).every((key) => next[key] === this.snap[key]);
    if (same) return;
    this.snap = next;
    for (const listener of this.listeners) listener();
  }
}

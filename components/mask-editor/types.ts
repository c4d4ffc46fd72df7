import type { Ref } from "react";

/** What a page holds to read the mask out of the editor (interface 1 of issue 12). */
export type MaskEditorHandle = {
  /** The mask as a PNG (RGBA, exactly the image's size): alpha 0 where painted, 255 elsewhere, the feather in between; null when nothing is painted. */
  exportMask(): Promise<Blob | null>;
  hasMask(): boolean;
};

export type MaskEditorProps = {
  image: { url: string; width: number; height: number };
  handle: Ref<MaskEditorHandle>;
};

/** A position in continuous coordinates: image pixel (i, j) spans [i, i+1) x [j, j+1), its centre at (i+0.5, j+0.5). */
export type Point = { x: number; y: number };

/** Whole pixels: columns x .. x+width-1, rows y .. y+height-1. Never empty. */
export type Box = { x: number; y: number; width: number; height: number };

export type Size = { width: number; height: number };

export type ToolName = "brush" | "eraser" | "rectangle" | "lasso";

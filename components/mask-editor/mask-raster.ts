import { clipBox } from "@/components/mask-editor/box";
import type { Box, Point } from "@/components/mask-editor/types";

export type StrokeOptions = { radius: number; feather: number; erase: boolean };
export type FillRule = "nonzero" | "evenodd";
export type FillOptions = { erase?: boolean; rule?: FillRule };

/**
 * The mask layer: one coverage byte per image pixel (0 untouched, 255 fully painted), at the
 * image's own size whatever the zoom. Every operation computes its bounding box first, announces
 * it to `beforeWrite` (the history copies what is about to change) and writes inside it only, so
 * a brush segment on a 4K image costs what its few thousand pixels cost, not 8 million.
 * Operations return the box they may have changed (for redrawing), or null when they touch nothing.
 */
export class MaskRaster {
  readonly data: Uint8ClampedArray<ArrayBuffer>;
  beforeWrite: ((box: Box) => void) | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new RangeError(`mask size must be whole positive pixels, got ${width}x${height}`);
    }
    this.data = new Uint8ClampedArray(width * height);
  }

  get full(): Box {
    return { x: 0, y: 0, width: this.width, height: this.height };
  }

  at(x: number, y: number): number {
    return this.data[y * this.width + x] ?? 0;
  }

  /**
   * A capsule from `from` to `to`: full coverage up to `radius - feather` from the segment, falling
   * linearly to none at `radius`. The feather is at least one pixel (an antialiased edge) and at
   * most the radius, so the brush's middle always paints fully. Painting keeps the larger coverage
   * and erasing the smaller remainder, so the overlapping ends of a stroke's segments never build up.
   */
  stroke(from: Point, to: Point, { radius, feather, erase }: StrokeOptions): Box | null {
    if (!(radius > 0)) return null;
    const box = clipBox(
      Math.min(from.x, to.x) - radius,
      Math.min(from.y, to.y) - radius,
      Math.max(from.x, to.x) + radius,
      Math.max(from.y, to.y) + radius,
      this.width,
      this.height,
    );
    if (!box) return null;
    this.beforeWrite?.(box);
    const falloff = Math.min(Math.max(feather, Math.min(1, radius)), radius);
    const inner = radius - falloff;
    const outer2 = radius * radius;
    const inner2 = inner > 0 ? inner * inner : -1;
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length2 = dx * dx + dy * dy;
    const { data, width } = this;
    const [top, bottom] = from.y < to.y ? [from.y, to.y] : [to.y, from.y];
    const [left, right] = from.x < to.x ? [from.x, to.x] : [to.x, from.x];
    for (let y = box.y; y < box.y + box.height; y++) {
      const py = y + 0.5 - from.y;
      const row = y * width;
      // Each row only spans the segment's x-range widened by the disk's half-chord there: the box's corners are skipped.
      const gap = Math.max(0, top - (y + 0.5), y + 0.5 - bottom);
      if (gap >= radius) continue;
      const half = Math.sqrt(outer2 - gap * gap);
      const xEnd = Math.min(box.x + box.width, Math.ceil(right + half));
      for (let x = Math.max(box.x, Math.floor(left - half)); x < xEnd; x++) {
        const px = x + 0.5 - from.x;
        let t = length2 > 0 ? (px * dx + py * dy) / length2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx;
        const ey = py - t * dy;
        const d2 = ex * ex + ey * ey;
        if (d2 >= outer2) continue;
        const coverage = d2 <= inner2 ? 255 : Math.round(((radius - Math.sqrt(d2)) / falloff) * 255);
        const i = row + x;
        const old = data[i]!;
        if (erase) {
          if (old > 255 - coverage) data[i] = 255 - coverage;
        } else if (old < coverage) data[i] = coverage;
      }
    }
    return box;
  }

  /** The pixels whose centres lie in the rectangle spanned by two corners, in any order; hard-edged. */
  fillRect(a: Point, b: Point, { erase = false }: FillOptions = {}): Box | null {
    const box = clipBox(
      Math.ceil(Math.min(a.x, b.x) - 0.5),
      Math.ceil(Math.min(a.y, b.y) - 0.5),
      Math.ceil(Math.max(a.x, b.x) - 0.5),
      Math.ceil(Math.max(a.y, b.y) - 0.5),
      this.width,
      this.height,
    );
    if (!box) return null;
    this.beforeWrite?.(box);
    const value = erase ? 0 : 255;
    for (let y = box.y; y < box.y + box.height; y++) {
      const start = y * this.width + box.x;
      this.data.fill(value, start, start + box.width);
    }
    return box;
  }

  /**
   * A closed polygon (the lasso), hard-edged, by scanlines through pixel centres: a pixel is inside
   * when its centre is, by the nonzero winding rule (a loop drawn twice stays filled) or even-odd.
   */
  fillPolygon(points: readonly Point[], { erase = false, rule = "nonzero" }: FillOptions = {}): Box | null {
    if (points.length < 3) return null;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of points) {
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y);
      maxY = Math.max(maxY, p.y);
    }
    const box = clipBox(Math.ceil(minX - 0.5), Math.ceil(minY - 0.5), Math.ceil(maxX - 0.5), Math.ceil(maxY - 0.5), this.width, this.height);
    if (!box) return null;
    this.beforeWrite?.(box);
    const value = erase ? 0 : 255;
    const crossings: { x: number; winding: number }[] = [];
    for (let y = box.y; y < box.y + box.height; y++) {
      const cy = y + 0.5;
      crossings.length = 0;
      for (let i = 0; i < points.length; i++) {
        const p = points[i]!;
        const q = points[(i + 1) % points.length]!;
        // Half-open in y, so a vertex on the scanline is counted by exactly one of its two edges.
        if ((p.y <= cy) === (q.y <= cy)) continue;
        crossings.push({ x: p.x + ((cy - p.y) * (q.x - p.x)) / (q.y - p.y), winding: q.y > p.y ? 1 : -1 });
      }
      crossings.sort((m, n) => m.x - n.x);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += rule === "evenodd" ? 1 : crossings[i]!.winding;
        const inside = rule === "evenodd" ? winding % 2 === 1 : winding !== 0;
        if (!inside) continue;
        const from = Math.max(box.x, Math.ceil(crossings[i]!.x - 0.5));
        const to = Math.min(box.x + box.width, Math.ceil(crossings[i + 1]!.x - 0.5));
        if (to > from) this.data.fill(value, y * this.width + from, y * this.width + to);
      }
    }
    return box;
  }

  invert(): Box {
    const box = this.full;
    this.beforeWrite?.(box);
    const { data } = this;
    for (let i = 0; i < data.length; i++) data[i] = 255 - data[i]!;
    return box;
  }

  /** Clears only the box that holds any coverage, so the history keeps no more than was painted. */
  clear(): Box | null {
    const box = this.contentBox();
    if (!box) return null;
    this.beforeWrite?.(box);
    for (let y = box.y; y < box.y + box.height; y++) {
      const start = y * this.width + box.x;
      this.data.fill(0, start, start + box.width);
    }
    return box;
  }

  hasCoverage(): boolean {
    const { data } = this;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) return true;
    return false;
  }

  /** The smallest box holding every covered pixel, or null when nothing is. */
  contentBox(): Box | null {
    const { data, width, height } = this;
    let minX = width, maxX = -1, minY = -1, maxY = -1;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let first = -1;
      for (let x = 0; x < width; x++) {
        if (data[row + x] !== 0) {
          first = x;
          break;
        }
      }
      if (first < 0) continue;
      let last = first;
      for (let x = width - 1; x > first; x--) {
        if (data[row + x] !== 0) {
          last = x;
          break;
        }
      }
      if (minY < 0) minY = y;
      maxY = y;
      minX = Math.min(minX, first);
      maxX = Math.max(maxX, last);
    }
    return minY < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
  }

  /** A copy of the box's bytes, row after row. */
  readBox(box: Box): Uint8ClampedArray<ArrayBuffer> {
    const out = new Uint8ClampedArray(box.width * box.height);
    for (let row = 0; row < box.height; row++) {
      const start = (box.y + row) * this.width + box.x;
      out.set(this.data.subarray(start, start + box.width), row * box.width);
    }
    return out;
  }

  /** Puts bytes read by readBox back, bypassing `beforeWrite`: for the history's own undo and redo. */
  writeBox(box: Box, bytes: Uint8ClampedArray): void {
    for (let row = 0; row < box.height; row++) {
      this.data.set(bytes.subarray(row * box.width, (row + 1) * box.width), (box.y + row) * this.width + box.x);
    }
  }
}

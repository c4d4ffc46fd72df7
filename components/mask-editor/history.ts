import { intersectBox, unionBox } from "@/components/mask-editor/box";
import type { MaskRaster } from "@/components/mask-editor/mask-raster";
import type { Box } from "@/components/mask-editor/types";

export const DEFAULT_HISTORY_BYTES = 200 * 1024 * 1024;
/** Before-bytes are captured by tiles, so a stroke's hundreds of overlapping segments copy each pixel once. */
const TILE = 64;

type Entry = { box: Box; before: Uint8ClampedArray; after: Uint8ClampedArray };
type Pending = { tiles: (Uint8ClampedArray | undefined)[]; touched: Box | null };

/**
 * Undo and redo of every operation on the mask. An operation (a whole stroke, a rectangle, an
 * invert) runs between begin() and commit(); the raster announces each box before writing it and
 * the history copies the tiles about to change. On commit the entry keeps only the box that really
 * changed, its bytes before and after, and the oldest entries go once they hold more than
 * `maxBytes` in all (the newest is always kept, however large).
 */
export class MaskHistory {
  private done: Entry[] = [];
  private undone: Entry[] = [];
  private pending: Pending | null = null;
  private held = 0;
  private readonly tilesAcross: number;

  constructor(
    private readonly raster: MaskRaster,
    readonly maxBytes = DEFAULT_HISTORY_BYTES,
  ) {
    this.tilesAcross = Math.ceil(raster.width / TILE);
    raster.beforeWrite = (box) => this.touch(box);
  }

  get canUndo(): boolean {
    return this.pending === null && this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.pending === null && this.undone.length > 0;
  }
  get busy(): boolean {
    return this.pending !== null;
  }
  /** Bytes held by the entries (before and after of each). */
  get bytes(): number {
    return this.held;
  }
  get depth(): { undo: number; redo: number } {
    return { undo: this.done.length, redo: this.undone.length };
  }

  begin(): void {
    if (this.pending) throw new Error("an operation is already under way");
    this.pending = { tiles: [], touched: null };
  }

  /** Called by the raster before it writes `box`. */
  touch(box: Box): void {
    const pending = this.pending;
    if (!pending) throw new Error("the mask was written outside an operation: call begin() first");
    pending.touched = unionBox(pending.touched, box);
    for (let ty = Math.floor(box.y / TILE); ty <= Math.floor((box.y + box.height - 1) / TILE); ty++) {
      for (let tx = Math.floor(box.x / TILE); tx <= Math.floor((box.x + box.width - 1) / TILE); tx++) {
        const index = ty * this.tilesAcross + tx;
        if (!pending.tiles[index]) pending.tiles[index] = this.raster.readBox(this.tileBox(index));
      }
    }
  }

  /** Ends the operation; returns the box it changed, or null (and keeps no entry) when it changed nothing. */
  commit(): Box | null {
    const pending = this.pending;
    if (!pending) throw new Error("no operation under way");
    this.pending = null;
    const box = this.changedBox(pending);
    if (!box) return null;
    const after = this.raster.readBox(box);
    const before = after.slice();
    for (const [index, bytes] of pending.tiles.entries()) {
      if (!bytes) continue;
      const tile = this.tileBox(index);
      const part = intersectBox(tile, box);
      if (!part) continue;
      for (let row = 0; row < part.height; row++) {
        const from = (part.y - tile.y + row) * tile.width + (part.x - tile.x);
        before.set(bytes.subarray(from, from + part.width), (part.y - box.y + row) * box.width + (part.x - box.x));
      }
    }
    this.undone = [];
    this.done.push({ box, before, after });
    this.recount();
    while (this.held > this.maxBytes && this.done.length > 1) {
      this.done.shift();
      this.recount();
    }
    return box;
  }

  /** Abandons the operation, putting back what it had written; returns the box to redraw. */
  cancel(): Box | null {
    const pending = this.pending;
    if (!pending) return null;
    this.pending = null;
    for (const [index, bytes] of pending.tiles.entries()) if (bytes) this.raster.writeBox(this.tileBox(index), bytes);
    return pending.touched;
  }

  /** Returns the box it restored, or null when there is nothing to undo (or an operation is under way). */
  undo(): Box | null {
    if (this.pending) return null;
    const entry = this.done.pop();
    if (!entry) return null;
    this.raster.writeBox(entry.box, entry.before);
    this.undone.push(entry);
    return entry.box;
  }

  redo(): Box | null {
    if (this.pending) return null;
    const entry = this.undone.pop();
    if (!entry) return null;
    this.raster.writeBox(entry.box, entry.after);
    this.done.push(entry);
    return entry.box;
  }

  private tileBox(index: number): Box {
    const x = (index % this.tilesAcross) * TILE;
    const y = Math.floor(index / this.tilesAcross) * TILE;
    return { x, y, width: Math.min(TILE, this.raster.width - x), height: Math.min(TILE, this.raster.height - y) };
  }

  /** The smallest box whose bytes differ from those captured: a brush pass over painted pixels keeps no entry. */
  private changedBox(pending: Pending): Box | null {
    const { data, width } = this.raster;
    let changed: Box | null = null;
    for (const [index, bytes] of pending.tiles.entries()) {
      if (!bytes) continue;
      const tile = this.tileBox(index);
      let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
      for (let row = 0; row < tile.height; row++) {
        const start = (tile.y + row) * width + tile.x;
        const own = row * tile.width;
        let first = 0;
        while (first < tile.width && data[start + first] === bytes[own + first]) first++;
        if (first === tile.width) continue;
        let last = tile.width - 1;
        while (data[start + last] === bytes[own + last]) last--;
        minX = Math.min(minX, first);
        maxX = Math.max(maxX, last);
        minY = Math.min(minY, row);
        maxY = row;
      }
      if (maxY >= 0) changed = unionBox(changed, { x: tile.x + minX, y: tile.y + minY, width: maxX - minX + 1, height: maxY - minY + 1 });
    }
    return changed;
  }

  private recount(): void {
    this.held = 0;
    for (const list of [this.done, this.undone]) for (const entry of list) this.held += entry.before.byteLength + entry.after.byteLength;
  }
}

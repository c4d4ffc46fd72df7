/**
 * The grid's geometry and keyboard moves, pure so the index math is tested without a browser.
 * Tiles have a fixed height (rows are virtualised by a constant size); their width follows from
 * how many columns fit the container.
 */
export const TILE_HEIGHT = 200;
export const GAP = 8;
export const ROW_HEIGHT = TILE_HEIGHT + GAP;
/** Columns are chosen so a tile is about this wide: square-ish beside TILE_HEIGHT. */
const TARGET_WIDTH = 210;
const MAX_COLUMNS = 12;

export function columnsFor(width: number): number {
  if (!Number.isFinite(width) || width <= 0) return 1;
  return Math.min(MAX_COLUMNS, Math.max(1, Math.round((width + GAP) / (TARGET_WIDTH + GAP))));
}

export const rowCount = (count: number, columns: number) => Math.ceil(Math.max(0, count) / Math.max(1, columns));
export const rowOf = (index: number, columns: number) => Math.floor(index / Math.max(1, columns));

/**
 * Where focus goes from `index` for a key, among `count` tiles in rows of `columns`; null for a key
 * the grid does not handle. Up and Down keep the column; Down from the row above a shorter last row
 * lands on the last tile rather than doing nothing. Home and End go to the first and last loaded tile.
 */
export function nextIndex(key: string, index: number, count: number, columns: number): number | null {
  if (count <= 0) return null;
  const cols = Math.max(1, columns);
  const last = count - 1;
  const at = Math.min(Math.max(0, index), last);
  switch (key) {
    case "ArrowLeft":
      return Math.max(0, at - 1);
    case "ArrowRight":
      return Math.min(last, at + 1);
    case "ArrowUp":
      return at - cols >= 0 ? at - cols : at;
    case "ArrowDown":
      if (at + cols <= last) return at + cols;
      return rowOf(at, cols) < rowOf(last, cols) ? last : at;
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}

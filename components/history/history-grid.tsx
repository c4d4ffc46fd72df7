"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { columnsFor, GAP, nextIndex, ROW_HEIGHT, rowCount as rowsFor, rowOf, TILE_HEIGHT } from "./grid-keys";
import type { HistoryItem } from "./history-api";
import { HistoryTile } from "./history-tile";
import { useFlinging } from "./use-flinging";

type HistoryGridProps = {
  items: readonly HistoryItem[];
  selected: ReadonlySet<string>;
  onSelect: (id: string, range: boolean) => void;
  /** Called when the rows shown come near the end of what is loaded. */
  onNearEnd: () => void;
};

const OVERSCAN_ROWS = 4;
/** Fetch the next page while this many rows are still below the last one rendered. */
const PREFETCH_ROWS = 6;

/**
 * The loaded history as rows of tiles, only the rows near the viewport in the DOM (the window
 * scrolls, so the page keeps one scrollbar). An ARIA grid with a roving tabindex: one tile is in
 * the tab order, and the arrow keys, Home and End move focus, scrolling the tile into view first.
 */
export function HistoryGrid({ items, selected, onSelect, onNearEnd }: HistoryGridProps) {
  const container = useRef<HTMLDivElement>(null);
  const rowsBox = useRef<HTMLDivElement>(null);
  const columns = useColumns(container);
  const flinging = useFlinging();
  const scrollMargin = useDocumentOffset(rowsBox, items.length > 0);
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const count = items.length;
  const rows = rowsFor(count, columns);
  const virtualizer = useWindowVirtualizer({ count: rows, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN_ROWS, scrollMargin });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRendered = virtualRows.at(-1)?.index ?? -1;
  const tabbable = tabbableIndex(active, count, columns, virtualizer.range);

  useEffect(() => {
    if (rows > 0 && lastRendered >= rows - 1 - PREFETCH_ROWS) onNearEnd();
  }, [lastRendered, rows, onNearEnd]);

  // Focus moves once the virtualiser has rendered the tile it scrolled to.
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const tile = container.current?.querySelector<HTMLElement>(`[data-tile-index="${index}"]`);
    if (!tile) return;
    pendingFocus.current = null;
    tile.focus({ preventScroll: true });
  });

  const onFocusTile = useCallback((index: number) => setActive(index), []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const tile = (event.target as HTMLElement).closest<HTMLElement>("[role=gridcell]")?.querySelector<HTMLElement>("[data-tile-index]");
    if (!tile || event.altKey) return;
    const index = Number(tile.dataset.tileIndex);
    const item = items[index];
    if (event.key === " " && item) {
      if ((event.target as HTMLElement).matches("input[type=checkbox]")) return; // the checkbox toggles itself
      event.preventDefault();
      onSelect(item.id, event.shiftKey);
      return;
    }
    const next = nextIndex(event.key, index, count, columns);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    pendingFocus.current = next;
    virtualizer.scrollToIndex(rowOf(next, columns), { align: "auto" });
  }

  return (
    <div ref={container} data-testid="history-grid" className="select-none">
      {count > 0 && (
        <div role="grid" aria-label="Generations" aria-multiselectable="true" aria-rowcount={rows} aria-colcount={columns} onKeyDown={onKeyDown}>
          <div ref={rowsBox} role="presentation" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {virtualRows.map((row) => (
              <div
                key={row.key}
                role="row"
                aria-rowindex={row.index + 1}
                className="absolute left-0 top-0 grid w-full"
                style={{
                  height: TILE_HEIGHT,
                  gap: GAP,
                  gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                  transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
                }}
              >
                {items.slice(row.index * columns, (row.index + 1) * columns).map((item, column) => {
                  const index = row.index * columns + column;
                  return (
                    <HistoryTile
                      key={item.id}
                      item={item}
                      index={index}
                      selected={selected.has(item.id)}
                      selecting={selected.size > 0}
                      tabbable={index === tabbable}
                      deferImage={flinging}
                      onSelect={onSelect}
                      onFocusTile={onFocusTile}
                    />
                  );
                })}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

/**
 * The tile in the tab order: the last focused one while its row is on screen, else the first in
 * view, so Tab always finds the grid even after the focused tile scrolled away.
 */
function tabbableIndex(active: number, count: number, columns: number, range: { startIndex: number; endIndex: number } | null): number {
  const index = Math.min(active, Math.max(0, count - 1));
  if (!range) return index;
  const row = rowOf(index, columns);
  return row >= range.startIndex && row <= range.endIndex ? index : range.startIndex * columns;
}

/** How many columns fit the container, followed as it resizes. */
function useColumns(ref: RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(4);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => setColumns(columnsFor(element.clientWidth));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return columns;
}

/**
 * Where the rows start in the document, which the window virtualiser needs (scrollMargin). What is
 * above the grid (the header, the filters as they wrap) changes it, and changes the body's size too.
 */
function useDocumentOffset(ref: RefObject<HTMLElement | null>, mounted: boolean): number {
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setOffset(Math.round(element.getBoundingClientRect().top + window.scrollY));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [ref, mounted]);
  return offset;
}

import { describe, expect, it } from "vitest";
import { columnsFor, nextIndex, rowCount, rowOf } from "./grid-keys";

describe("grid keys", () => {
  // 10 tiles in rows of 4:  0 1 2 3 / 4 5 6 7 / 8 9
  const move = (key: string, from: number) => nextIndex(key, from, 10, 4);

  it("left and right step by one and stop at the ends", () => {
    expect(move("ArrowRight", 0)).toBe(1);
    expect(move("ArrowRight", 3)).toBe(4); // wraps to the next row, as reading order does
    expect(move("ArrowRight", 9)).toBe(9);
    expect(move("ArrowLeft", 4)).toBe(3);
    expect(move("ArrowLeft", 0)).toBe(0);
  });

  it("up and down move by the column count", () => {
    expect(move("ArrowDown", 1)).toBe(5);
    expect(move("ArrowDown", 5)).toBe(9);
    expect(move("ArrowUp", 9)).toBe(5);
    expect(move("ArrowUp", 2)).toBe(2);
  });

  it("down above a shorter last row lands on the last tile; down on the last row stays", () => {
    expect(move("ArrowDown", 6)).toBe(9);
    expect(move("ArrowDown", 7)).toBe(9);
    expect(move("ArrowDown", 8)).toBe(8);
  });

  it("Home and End go to the first and last tile", () => {
    expect(move("Home", 6)).toBe(0);
    expect(move("End", 2)).toBe(9);
  });

  it("ignores other keys and an empty grid, and clamps a stale index", () => {
    expect(move("a", 3)).toBeNull();
    expect(move("Enter", 3)).toBeNull();
    expect(nextIndex("ArrowDown", 0, 0, 4)).toBeNull();
    expect(nextIndex("ArrowLeft", 50, 10, 4)).toBe(8);
  });

  it("works in a single column", () => {
    expect(nextIndex("ArrowDown", 0, 3, 1)).toBe(1);
    expect(nextIndex("ArrowRight", 0, 3, 1)).toBe(1);
    expect(nextIndex("ArrowUp", 0, 3, 1)).toBe(0);
  });

  it("chooses columns from the width, at least one", () => {
    expect(columnsFor(0)).toBe(1);
    expect(columnsFor(Number.NaN)).toBe(1);
    expect(columnsFor(150)).toBe(1);
    expect(columnsFor(360)).toBe(2);
    expect(columnsFor(1232)).toBe(6);
    expect(columnsFor(100_000)).toBe(12);
  });

  it("counts rows and finds an index's row", () => {
    expect(rowCount(10, 4)).toBe(3);
    expect(rowCount(8, 4)).toBe(2);
    expect(rowCount(0, 4)).toBe(0);
    expect(rowOf(7, 4)).toBe(1);
    expect(rowOf(8, 4)).toBe(2);
  });
});

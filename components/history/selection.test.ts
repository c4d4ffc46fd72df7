import { describe, expect, it } from "vitest";
import { clickSelect, NO_SELECTION, selectRange, toggle, withoutIds, type Selection } from "./selection";

const order = ["a", "b", "c", "d", "e", "f"];
const ids = (selection: Selection) => [...selection.ids].sort();

describe("selection", () => {
  it("toggles one item and makes it the anchor", () => {
    const once = toggle(NO_SELECTION, "c");
    expect(ids(once)).toEqual(["c"]);
    expect(once.anchor).toBe("c");
    const twice = toggle(once, "c");
    expect(ids(twice)).toEqual([]);
    expect(twice.anchor).toBe("c");
  });

  it("never changes the selection it was given", () => {
    const before = toggle(NO_SELECTION, "a");
    toggle(before, "b");
    selectRange(before, order, "d");
    expect(ids(before)).toEqual(["a"]);
    expect(ids(NO_SELECTION)).toEqual([]);
  });

  it("shift-click selects from the last clicked to the clicked, in either direction", () => {
    const forward = selectRange(toggle(NO_SELECTION, "b"), order, "e");
    expect(ids(forward)).toEqual(["b", "c", "d", "e"]);
    expect(forward.anchor).toBe("e");
    const backward = selectRange(toggle(NO_SELECTION, "e"), order, "b");
    expect(ids(backward)).toEqual(["b", "c", "d", "e"]);
  });

  it("a second shift-click extends from the previous one, keeping what was selected", () => {
    const first = selectRange(toggle(NO_SELECTION, "a"), order, "b");
    const second = selectRange(first, order, "d");
    expect(ids(second)).toEqual(["a", "b", "c", "d"]);
  });

  it("shift-click after deselecting clears the range instead", () => {
    let selection = selectRange(toggle(NO_SELECTION, "a"), order, "f");
    selection = toggle(selection, "c"); // c off, anchor c
    selection = selectRange(selection, order, "e");
    expect(ids(selection)).toEqual(["a", "b", "f"]);
  });

  it("shift-click without an anchor, or with one no longer in the grid, toggles", () => {
    expect(ids(selectRange(NO_SELECTION, order, "c"))).toEqual(["c"]);
    const stale: Selection = { ids: new Set(["zz"]), anchor: "zz" };
    expect(ids(selectRange(stale, order, "c"))).toEqual(["c", "zz"]);
  });

  it("clickSelect picks toggle or range", () => {
    const anchored = toggle(NO_SELECTION, "a");
    expect(ids(clickSelect(anchored, order, "c", false))).toEqual(["a", "c"]);
    expect(ids(clickSelect(anchored, order, "c", true))).toEqual(["a", "b", "c"]);
  });

  it("removes deleted ids and drops an anchor that went with them", () => {
    const selection = selectRange(toggle(NO_SELECTION, "a"), order, "c");
    const after = withoutIds(selection, ["c", "b"]);
    expect(ids(after)).toEqual(["a"]);
    expect(after.anchor).toBeNull();
    expect(withoutIds(selection, ["a"]).anchor).toBe("c");
  });
});

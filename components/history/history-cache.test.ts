import { describe, expect, it } from "vitest";
import { bulkMessage } from "./bulk-message";
import type { HistoryItem } from "./history-api";
import { applyBulk, type HistoryData } from "./history-cache";

const item = (id: string, favorite = false): HistoryItem => ({
  id,
  kind: "generate",
  status: "done",
  prompt: `prompt ${id}`,
  model: "gpt-image-2",
  size: "1024x1024",
  quality: "low",
  outputFormat: "png",
  n: 1,
  favorite,
  totalTokens: null,
  costUsd: null,
  latencyMs: null,
  errorCode: null,
  error: null,
  createdAt: "2026-03-01T00:00:00.000Z",
  cover: null,
});

const data = (): HistoryData => ({
  pages: [
    { items: [item("a"), item("b", true)], nextCursor: "c1" },
    { items: [item("c"), item("d", true)], nextCursor: null },
  ],
  pageParams: [null, "c1"],
});
const ids = (d: HistoryData) => d.pages.map((p) => p.items.map((i) => `${i.id}${i.favorite ? "*" : ""}`));

describe("applyBulk", () => {
  it("removes deleted items from every page, keeping cursors", () => {
    const after = applyBulk(data(), "delete", new Set(["b", "c"]), false);
    expect(ids(after)).toEqual([["a"], ["d*"]]);
    expect(after.pageParams).toEqual([null, "c1"]);
    expect(after.pages[0]?.nextCursor).toBe("c1");
  });

  it("flips favourites in place and keeps untouched pages and items as they were", () => {
    const before = data();
    const after = applyBulk(before, "favorite", new Set(["a"]), false);
    expect(ids(after)).toEqual([["a*", "b*"], ["c", "d*"]]);
    expect(after.pages[1]).toBe(before.pages[1]);
    expect(after.pages[0]?.items[1]).toBe(before.pages[0]?.items[1]);
  });

  it("unfavourite drops items from a favourites-only view, and only flips them elsewhere", () => {
    expect(ids(applyBulk(data(), "unfavorite", new Set(["b", "d"]), true))).toEqual([["a"], ["c"]]);
    expect(ids(applyBulk(data(), "unfavorite", new Set(["b", "d"]), false))).toEqual([["a", "b"], ["c", "d"]]);
  });

  it("returns the same data when nothing was done", () => {
    const before = data();
    expect(applyBulk(before, "delete", new Set(), false)).toBe(before);
  });
});

describe("bulkMessage", () => {
  it("says how many were done, and groups the skipped by reason", () => {
    const message = bulkMessage("delete", {
      done: ["a", "b"],
      skipped: [
        { id: "c", code: "generation_active", message: "This generation is still queued or running; cancel it first, then delete it" },
        { id: "d", code: "generation_active", message: "This generation is still queued or running; cancel it first, then delete it" },
        { id: "e", code: "not_found", message: "Generation was not found" },
      ],
    });
    expect(message).toBe(
      "Deleted 2 generations. Skipped 2: This generation is still queued or running; cancel it first, then delete it. Skipped 1: Generation was not found.",
    );
  });

  it("uses the singular for one", () => {
    expect(bulkMessage("favorite", { done: ["a"], skipped: [] })).toBe("Favorited 1 generation.");
    expect(bulkMessage("unfavorite", { done: [], skipped: [] })).toBe("Unfavorited 0 generations.");
  });
});

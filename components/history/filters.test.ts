import { describe, expect, it } from "vitest";
import { GENERATION_STATUSES } from "@/lib/generations/events";
import { EMPTY_FILTERS, FILTER_OPTIONS, filtersFromParams, filtersToQuery, hasFilters, isFavoritesOnly } from "./filters";

describe("history filters", () => {
  it("reads the page's search params, first value of a repeated one, ignoring unknown keys", () => {
    const filters = filtersFromParams({ q: "red fox", status: ["failed", "done"], favorite: "true", other: "x" });
    expect(filters).toEqual({ ...EMPTY_FILTERS, q: "red fox", status: "failed", favorite: "true" });
    expect(filtersFromParams(new URLSearchParams("size=1024x1024&from=2026-03-01"))).toEqual({ ...EMPTY_FILTERS, size: "1024x1024", from: "2026-03-01" });
  });

  it("keeps a value the API will refuse, so the API can name it", () => {
    expect(filtersToQuery(filtersFromParams({ status: "exploded" })).toString()).toBe("status=exploded");
  });

  it("writes only what is set, in a fixed order, with the search trimmed", () => {
    const query = filtersToQuery({ ...EMPTY_FILTERS, to: "2026-03-02", q: "  cat  ", model: "gpt-image-2" });
    expect(query.toString()).toBe("q=cat&model=gpt-image-2&to=2026-03-02");
    expect(filtersToQuery({ ...EMPTY_FILTERS, q: "   " }).toString()).toBe("");
  });

  it("round-trips through the URL", () => {
    const filters = { ...EMPTY_FILTERS, q: "a&b=c ü", quality: "high", format: "webp", favorite: "true" };
    expect(filtersFromParams(new URLSearchParams(filtersToQuery(filters).toString()))).toEqual(filters);
  });

  it("knows when anything is filtered", () => {
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
    expect(hasFilters({ ...EMPTY_FILTERS, q: " " })).toBe(false);
    expect(hasFilters({ ...EMPTY_FILTERS, favorite: "true" })).toBe(true);
  });

  it("reads favourites-only the way the API does", () => {
    expect(isFavoritesOnly("true")).toBe(true);
    expect(isFavoritesOnly("1")).toBe(true);
    expect(isFavoritesOnly("false")).toBe(false);
    expect(isFavoritesOnly("")).toBe(false);
    expect(isFavoritesOnly(null)).toBe(false);
  });

  it("offers every generation status and the size presets with auto", () => {
    expect([...FILTER_OPTIONS.status].sort()).toEqual([...GENERATION_STATUSES].sort());
    expect(FILTER_OPTIONS.size[0]).toBe("auto");
    expect(FILTER_OPTIONS.size).toContain("3840x2160");
  });
});

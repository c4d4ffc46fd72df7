import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "@/lib/env";
import { costOf, pricedAsText, pricesFor, tableCostPerImage } from "@/lib/jobs/cost";

/** Prices per model and token kind, from the settings, and what one usage record costs at them. */
const saved = { ...process.env };
function settings(vars: Record<string, string>) {
  process.env = { ...saved, DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db", ...vars };
  resetEnvCache();
  return env();
}
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

describe("pricesFor", () => {
  it("gives the contract's public prices by default, cached input included", () => {
    expect(pricesFor("gpt-image-2", settings({}))).toEqual({
      textInputPerM: 5,
      cachedTextInputPerM: 1.25,
      imageInputPerM: 8,
      cachedImageInputPerM: 2,
      imageOutputPerM: 30,
      textOutputPerM: 10,
    });
  });

  it("lays a model's own prices over the settings' and leaves other models alone", () => {
    const s = settings({ PRICE_IMAGE_OUTPUT_PER_M: "32", PRICES_BY_MODEL: JSON.stringify({ "gpt-5.5": { textInputPerM: 1.5, textOutputPerM: 12 } }) });
    expect(pricesFor("gpt-5.5", s)).toMatchObject({ textInputPerM: 1.5, textOutputPerM: 12, imageOutputPerM: 32, cachedTextInputPerM: 1.25 });
    expect(pricesFor("gpt-image-2", s)).toMatchObject({ textInputPerM: 5, textOutputPerM: 10, imageOutputPerM: 32 });
    // A name that happens to be an object's own property is not a model with prices.
    expect(pricesFor("constructor", s).textInputPerM).toBe(5);
  });

  it.each([
    ["not json", /PRICES_BY_MODEL: must be JSON/],
    [JSON.stringify({ "gpt-image-2": { imageOutputPerMillion: 3 } }), /PRICES_BY_MODEL: .*imageOutputPerMillion.*known prices: textInputPerM/],
    [JSON.stringify({ "gpt-image-2": { imageOutputPerM: -1 } }), /PRICES_BY_MODEL: gpt-image-2\.imageOutputPerM/],
    [JSON.stringify(["gpt-image-2"]), /PRICES_BY_MODEL: /],
  ])("refuses PRICES_BY_MODEL=%s by name", (value, message) => {
    expect(() => settings({ PRICES_BY_MODEL: value })).toThrow(message);
  });
});

describe("costOf", () => {
  const prices = pricesFor("gpt-image-2", settings({}));

  it("bills text and image input, image and text output at their own prices", () => {
    const usage = { input_tokens: 150, output_tokens: 4200, input_tokens_details: { text_tokens: 50, image_tokens: 100 }, output_tokens_details: { image_tokens: 4160, text_tokens: 40 } };
    expect(costOf(usage, prices)).toBeCloseTo((50 * 5 + 100 * 8 + 4160 * 30 + 40 * 10) / 1e6, 12);
  });

  it("bills cached input at the cached prices, text first, then image", () => {
    const usage = { input_tokens: 150, output_tokens: 0, input_tokens_details: { text_tokens: 50, image_tokens: 100, cached_tokens: 80 } };
    expect(costOf(usage, prices)).toBeCloseTo((50 * 1.25 + 30 * 2 + 70 * 8) / 1e6, 12);
  });

  it("counts input without details as text and output without details as image", () => {
    expect(costOf({ input_tokens: 40, output_tokens: 1056 }, prices)).toBeCloseTo((40 * 5 + 1056 * 30) / 1e6, 12);
  });

  it("prices a size from the table when there is no history", () => {
    expect(tableCostPerImage("1024x1024", "high", 0, prices)).toBeCloseTo((4160 * 30) / 1e6, 12);
    expect(tableCostPerImage("1024x1024", "low", 2, prices)).toBeCloseTo(((272 + 200) * 30) / 1e6, 12);
  });
});

describe("pricedAsText", () => {
  it("bills a text model's usage as text, its cached input at the cached price", () => {
    const prices = pricesFor("gpt-5.5", settings({ PRICES_BY_MODEL: JSON.stringify({ "gpt-5.5": { textInputPerM: 2, cachedTextInputPerM: 0.5, textOutputPerM: 16 } }) }));
    const usage = { input_tokens: 1200, input_tokens_details: { cached_tokens: 200 }, output_tokens: 300, total_tokens: 1500 };
    expect(pricedAsText(usage, prices)).toEqual({ costUsd: expect.closeTo((1000 * 2 + 200 * 0.5 + 300 * 16) / 1e6, 12) as unknown, prices });
    expect(pricedAsText(null, prices)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { everyAfter } from "@/lib/jobs/every-after";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("everyAfter", () => {
  it("never starts a run while the previous one is still going", async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    // Each run takes six times the interval: a plain setInterval would have six going at once.
    const beats = everyAfter(10, async () => {
      active += 1;
      most = Math.max(most, active);
      await sleep(60);
      active -= 1;
      runs += 1;
    });
    await sleep(400);
    await beats.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
  });

  it("waits for the run in progress on stop, and runs no more after it", async () => {
    let finished = 0;
    let started = 0;
    const beats = everyAfter(5, async () => {
      started += 1;
      await sleep(50);
      finished += 1;
    }, 0);
    await sleep(20);
    await beats.stop();
    expect(started).toBeGreaterThan(0);
    expect(finished).toBe(started);
    const after = started;
    await sleep(60);
    expect(started).toBe(after);
  });

  it("goes on after a run that failed", async () => {
    let runs = 0;
    const beats = everyAfter(5, async () => {
      runs += 1;
      throw new Error("the database is down");
    });
    await sleep(100);
    await beats.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});

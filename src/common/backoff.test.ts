import { describe, expect, test } from "bun:test";
import { createBackoff, withJitter } from "./backoff.ts";

describe("backoff", () => {
  test("doubles from base up to the cap, with jitter between half and all", () => {
    const lo = createBackoff(1000, 60_000, () => 0);
    const hi = createBackoff(1000, 60_000, () => 0.999999);
    expect([1, 2, 3, 4].map((n) => lo.delayMs(n))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => hi.delayMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(hi.delayMs(30)).toBe(60_000);
    expect(lo.delayMs(30)).toBe(30_000);
  });
  test("jitter stays within the fraction", () => {
    expect(withJitter(300_000, 0.1, () => 0)).toBe(270_000);
    expect(withJitter(300_000, 0.1, () => 1)).toBe(330_000);
  });
});

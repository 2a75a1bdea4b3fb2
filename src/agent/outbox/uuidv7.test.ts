import { describe, expect, test } from "bun:test";
import { createUuidv7, uuidv7, uuidv7Time } from "./uuidv7.ts";

const FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  test("has the RFC 9562 layout and carries the clock's millisecond", () => {
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const id = createUuidv7(() => at)();
    expect(id).toMatch(FORM);
    expect(uuidv7Time(id)).toBe(at);
    expect(id.slice(0, 13)).toBe(`${at.toString(16).padStart(12, "0").slice(0, 8)}-${at.toString(16).padStart(12, "0").slice(8)}`);
    expect(uuidv7Time(uuidv7())).toBeGreaterThanOrEqual(Date.now() - 1000);
  });

  test("strictly increases within one millisecond, past the 12-bit counter", () => {
    const gen = createUuidv7(() => 1_700_000_000_000);
    const ids = Array.from({ length: 10_000 }, gen);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    // 10,000 ids cannot fit one 12-bit counter: the generator borrows later milliseconds, in order.
    expect(uuidv7Time(ids.at(-1)!)).toBeGreaterThan(1_700_000_000_000);
    expect(uuidv7Time(ids.at(-1)!)).toBeLessThan(1_700_000_000_010);
  });

  test("does not go back when the clock does", () => {
    let now = 1_700_000_000_500;
    const gen = createUuidv7(() => now);
    const before = gen();
    now -= 60_000;
    const after = gen();
    expect(after > before).toBe(true);
    expect(uuidv7Time(after)).toBe(1_700_000_000_500);
    now += 120_000;
    expect(uuidv7Time(gen())).toBe(now);
  });

  test("two generators on the same clock never collide (random bits)", () => {
    const a = createUuidv7(() => 1_700_000_000_000);
    const b = createUuidv7(() => 1_700_000_000_000);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      seen.add(a());
      seen.add(b());
    }
    expect(seen.size).toBe(10_000);
  });
});

import { describe, expect, test } from "bun:test";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { createCoalescer } from "./coalesce-wake.ts";


describe("wake coalescer", () => {
  test("a flood of nudges fires once at once, once at the end of the second, then waits", async () => {
    const clock = manualClock(0);
    const advance = clock.advance;
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    for (let i = 0; i < 500; i++) {
      c.nudge();
      await advance(10); // 100 nudges a second for 5 s
    }
    // 5 s of flood: the first at once, then one per second.
    expect(fired).toBeGreaterThanOrEqual(5);
    expect(fired).toBeLessThanOrEqual(6);
    await advance(5_000);
    expect(fired).toBeLessThanOrEqual(6);
  });

  test("a nudge right after one is late by at most the interval, never lost", async () => {
    const clock = manualClock(0);
    const advance = clock.advance;
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    c.nudge();
    expect(fired).toBe(1);
    await advance(100);
    c.nudge();
    expect(fired).toBe(1);
    await advance(899);
    expect(fired).toBe(1);
    await advance(1);
    expect(fired).toBe(2);
    // A quiet interval later, a nudge fires at once again.
    await advance(5_000);
    c.nudge();
    expect(fired).toBe(3);
  });

  test("close drops the pending call", async () => {
    const clock = manualClock(0);
    const advance = clock.advance;
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    c.nudge();
    c.nudge();
    c.close();
    await advance(2_000);
    c.nudge();
    expect(fired).toBe(1);
  });
});

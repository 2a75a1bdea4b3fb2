import { describe, expect, test } from "bun:test";
import { type CoalesceClock, createCoalescer } from "./coalesce-wake.ts";

/** A clock that moves only when told, running due timers in order. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: CoalesceClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const t = { at: now + ms, fn, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimeout(id) {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { clock, advance };
}

describe("wake coalescer", () => {
  test("a flood of nudges fires once at once, once at the end of the second, then waits", () => {
    const { clock, advance } = manualClock();
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    for (let i = 0; i < 500; i++) {
      c.nudge();
      advance(10); // 100 nudges a second for 5 s
    }
    // 5 s of flood: the first at once, then one per second.
    expect(fired).toBeGreaterThanOrEqual(5);
    expect(fired).toBeLessThanOrEqual(6);
    advance(5_000);
    expect(fired).toBeLessThanOrEqual(6);
  });

  test("a nudge right after one is late by at most the interval, never lost", () => {
    const { clock, advance } = manualClock();
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    c.nudge();
    expect(fired).toBe(1);
    advance(100);
    c.nudge();
    expect(fired).toBe(1);
    advance(899);
    expect(fired).toBe(1);
    advance(1);
    expect(fired).toBe(2);
    // A quiet interval later, a nudge fires at once again.
    advance(5_000);
    c.nudge();
    expect(fired).toBe(3);
  });

  test("close drops the pending call", () => {
    const { clock, advance } = manualClock();
    let fired = 0;
    const c = createCoalescer(() => fired++, 1_000, clock);
    c.nudge();
    c.nudge();
    c.close();
    advance(2_000);
    c.nudge();
    expect(fired).toBe(1);
  });
});

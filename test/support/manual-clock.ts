/**
 * A Clock (src/common/clock.ts) that moves only when told: `advance(ms)`
 * runs every timer that falls due, in time order, letting promise
 * callbacks settle between them, so code driven by timers can be tested
 * without waiting.
 */
import type { Clock } from "../../src/common/clock.ts";

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void>;
  /** Lets pending promise callbacks run without moving time. */
  settle(): Promise<void>;
  /** Timers not yet fired or cancelled. */
  pendingTimers(): number;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets queued microtasks and already-resolved I/O callbacks run. */
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export function manualClock(startMs = Date.parse("2026-03-01T08:00:00Z")): ManualClock {
  let t = startMs;
  let seq = 0;
  const timers = new Set<Timer>();
  const clock: ManualClock = {
    now: () => t,
    monotonic: () => t - startMs,
    setTimer(fn, ms) {
      const timer = { at: t + Math.max(0, ms), seq: seq++, fn };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    async advance(ms) {
      const end = t + ms;
      await flush();
      for (;;) {
        let next: Timer | undefined;
        for (const x of timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
        if (!next) break;
        timers.delete(next);
        t = Math.max(t, next.at);
        next.fn();
        await flush();
      }
      t = end;
      await flush();
    },
    settle: flush,
    pendingTimers: () => timers.size,
  };
  return clock;
}

/**
 * The one clock boundary of both sides: wall time, monotonic time and
 * one-shot timers behind one small interface, so tests can drive schedules,
 * timeouts and rates by hand (test/support/manual-clock.ts).
 */

/** Time and one-shot timers. */
export interface Clock {
  /** Wall time, milliseconds since the epoch: timestamps, schedules, "last done at". */
  now(): number;
  /** Monotonic milliseconds (sub-millisecond precision, arbitrary origin): rates, timeouts, durations. */
  monotonic(): number;
  /** Runs `fn` after `ms` milliseconds; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock: Date.now(), performance.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` (if given) is aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const cancel = clock.setTimer(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

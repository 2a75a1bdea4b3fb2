/**
 * The clock boundary of the prober: time and timers behind one small
 * interface, so tests can drive timeouts and the rate limit by hand.
 */

/** Milliseconds and one-shot timers. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock: performance.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

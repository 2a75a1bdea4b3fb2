/**
 * A fixed-window counter per key (client address): enough to slow a code
 * guesser down without remembering much. Old windows are forgotten.
 */
export interface RateLimiter {
  /** Counts one event for `key`; false when the key is over its limit. */
  take(key: string): boolean;
}

export function createRateLimiter(limit: number, windowMs: number, now: () => number = Date.now): RateLimiter {
  let windowStart = now();
  let counts = new Map<string, number>();
  return {
    take(key) {
      const t = now();
      if (t - windowStart >= windowMs) {
        windowStart = t;
        counts = new Map();
      }
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return n <= limit;
    },
  };
}

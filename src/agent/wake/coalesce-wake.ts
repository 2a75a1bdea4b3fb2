/**
 * Nudges are not trusted to be rare: anyone who can publish to an agent's
 * topic (a broker admin, a forged message) could send thousands. Each one
 * asks for a poll; this lets through at most one per interval, plus one at
 * the end of the interval if more came meanwhile, so a real nudge right
 * after a forged one is late by at most the interval, never lost.
 */

export interface Coalescer {
  /** A nudge arrived. */
  nudge(): void;
  /** Drops a pending trailing call. */
  close(): void;
}

/** Timers, injectable for tests. */
export interface CoalesceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: CoalesceClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function createCoalescer(fire: () => void, intervalMs = 1_000, clock: CoalesceClock = realClock): Coalescer {
  let lastFiredAt = -Infinity;
  let pending: unknown;
  let closed = false;
  const run = () => {
    pending = undefined;
    if (closed) return;
    lastFiredAt = clock.now();
    fire();
  };
  return {
    nudge() {
      if (closed || pending !== undefined) return;
      const wait = lastFiredAt + intervalMs - clock.now();
      if (wait <= 0) run();
      else pending = clock.setTimeout(run, wait);
    },
    close() {
      closed = true;
      if (pending !== undefined) clock.clearTimeout(pending);
      pending = undefined;
    },
  };
}

/**
 * Nudges are not trusted to be rare: anyone who can publish to an agent's
 * topic (a broker admin, a forged message) could send thousands. Each one
 * asks for a poll; this lets through at most one per interval, plus one at
 * the end of the interval if more came meanwhile, so a real nudge right
 * after a forged one is late by at most the interval, never lost.
 */
import { type Clock, systemClock } from "../../common/clock.ts";

export interface Coalescer {
  /** A nudge arrived. */
  nudge(): void;
  /** Drops a pending trailing call. */
  close(): void;
}

export function createCoalescer(fire: () => void, intervalMs = 1_000, clock: Clock = systemClock): Coalescer {
  let lastFiredAt = -Infinity;
  let pending: (() => void) | undefined;
  let closed = false;
  const run = () => {
    pending = undefined;
    if (closed) return;
    lastFiredAt = clock.monotonic();
    fire();
  };
  return {
    nudge() {
      if (closed || pending !== undefined) return;
      const wait = lastFiredAt + intervalMs - clock.monotonic();
      if (wait <= 0) run();
      else pending = clock.setTimer(run, wait);
    },
    close() {
      closed = true;
      pending?.();
      pending = undefined;
    },
  };
}

/**
 * A token bucket: the packets/s limit of the prober. Tokens accrue
 * continuously at `rate` per second up to `burst`; a send spends one.
 */
import type { Clock } from "../../common/clock.ts";

/** A rate limiter that is asked, never waited on: the caller schedules its own wake-up. */
export interface TokenBucket {
  /** Whole tokens available now (refills first). */
  available(): number;
  /** Spends `n` tokens (call with n <= available()). */
  take(n: number): void;
  /** Milliseconds until at least one token is available (0 if one is). */
  msUntilNext(): number;
}

/**
 * Creates a bucket that starts full. `burst` defaults to 10 ms worth of
 * tokens (at least one), so a timer that fires late by a few milliseconds
 * still finds enough tokens to keep the configured rate.
 */
export function createTokenBucket(rate: number, clock: Clock, burst = Math.max(1, Math.ceil(rate / 100))): TokenBucket {
  if (!(rate > 0)) throw new RangeError(`rate must be a positive number of packets per second, got ${rate}`);
  let tokens = burst;
  let last = clock.monotonic();
  const refill = () => {
    const now = clock.monotonic();
    tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
    last = now;
  };
  return {
    available() {
      refill();
      return Math.floor(tokens);
    },
    take(n) {
      tokens -= n;
    },
    msUntilNext() {
      refill();
      return tokens >= 1 ? 0 : ((1 - tokens) * 1000) / rate;
    },
  };
}

/**
 * Sign-in rate limits: one token bucket per account (the username as typed,
 * lower case, whether or not it exists, so the limit itself tells nothing)
 * and one per remote address. An attempt needs a token from both; buckets
 * refill continuously on the injected clock's monotonic time.
 *
 * The maps are bounded: a full bucket is the same as no bucket, so those are
 * dropped first; if every bucket is in use the oldest is dropped. Someone
 * spraying more than `maxKeys` usernames or addresses a minute can thus
 * reset some buckets early; the per-account lockout still counts every
 * failure in the store, so this bounds memory without opening guessing.
 */
import type { Clock } from "../../common/clock.ts";

/** Options of `createSignInLimiter`. */
export interface SignInLimiterOptions {
  clock: Pick<Clock, "monotonic">;
  /** Attempts a minute per account (the bucket size too); default 10. */
  perAccountPerMinute?: number;
  /** Attempts a minute per remote address; default 30. */
  perAddressPerMinute?: number;
  /** Most buckets kept per kind; default 10,000. */
  maxKeys?: number;
}

/** What `take` answers: go ahead, or wait. */
export type LimitAnswer = { ok: true } | { ok: false; retryAfterMs: number; limited: "account" | "address" };

/** The sign-in rate limiter. */
export interface SignInLimiter {
  /** Takes one attempt for the account and the address, or none (from neither) when either is out. */
  take(attempt: { account: string; address: string }): LimitAnswer;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One kind of bucket (per account or per address). */
function bucketsOf(clock: Pick<Clock, "monotonic">, perMinute: number, maxKeys: number) {
  const size = perMinute;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const refill = (b: Bucket, now: number) => {
    b.tokens = Math.min(size, b.tokens + (now - b.at) * perMs);
    b.at = now;
  };
  const makeRoom = (now: number) => {
    for (const [k, b] of buckets) {
      refill(b, now);
      if (b.tokens >= size) buckets.delete(k);
    }
    while (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
  };
  return {
    /** Milliseconds until a token is there (0: now). */
    wait(key: string): number {
      const b = buckets.get(key);
      if (!b) return 0;
      refill(b, clock.monotonic());
      return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / perMs);
    },
    take(key: string): void {
      const now = clock.monotonic();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) makeRoom(now);
        b = { tokens: size, at: now };
        buckets.set(key, b);
      }
      refill(b, now);
      b.tokens -= 1;
    },
  };
}

/** A limiter with the given (or default: 10 per account, 30 per address a minute) limits. */
export function createSignInLimiter(opts: SignInLimiterOptions): SignInLimiter {
  const maxKeys = opts.maxKeys ?? 10_000;
  const accounts = bucketsOf(opts.clock, opts.perAccountPerMinute ?? 10, maxKeys);
  const addresses = bucketsOf(opts.clock, opts.perAddressPerMinute ?? 30, maxKeys);
  return {
    take({ account, address }) {
      const key = account.toLowerCase();
      const accountWait = accounts.wait(key);
      const addressWait = addresses.wait(address);
      if (accountWait > 0 || addressWait > 0) {
        return { ok: false, retryAfterMs: Math.max(accountWait, addressWait), limited: addressWait > 0 ? "address" : "account" };
      }
      accounts.take(key);
      addresses.take(address);
      return { ok: true };
    },
  };
}

/**
 * When to try a one-shot operation next (a poll, an upload): at once at
 * first, then where the last outcome put it: a success names its own next
 * time, each failure in a row waits longer (src/common/backoff.ts), up to
 * the cap. Time is read from the injected clock only.
 */
import type { Backoff } from "../../common/backoff.ts";
import type { Clock } from "../../common/clock.ts";

/** When the next attempt of one operation is due. */
export interface RetrySchedule {
  /** Whether the next attempt is due now. */
  isDue(): boolean;
  /** Milliseconds until it is due (0 or less: it is). */
  msUntilDue(): number;
  /** Makes the next attempt due now, failures or not. */
  dueNow(): void;
  /** The attempt worked: the failure count starts again; the next attempt is due in `ms`. */
  succeeded(ms: number): void;
  /** One more failure in a row: the next attempt waits the backoff's delay, which is returned. */
  failed(): number;
  /** Failures in a row so far. */
  failures(): number;
}

/** A schedule whose first attempt is due at once; failures wait `backoff`'s delays on `clock`. */
export function createRetrySchedule(clock: Clock, backoff: Backoff): RetrySchedule {
  let dueAt = 0;
  let failures = 0;
  return {
    isDue: () => clock.now() >= dueAt,
    msUntilDue: () => dueAt - clock.now(),
    dueNow() {
      dueAt = 0;
    },
    succeeded(ms) {
      failures = 0;
      dueAt = clock.now() + ms;
    },
    failed() {
      failures++;
      const wait = backoff.delayMs(failures);
      dueAt = clock.now() + wait;
      return wait;
    },
    failures: () => failures,
  };
}

/**
 * How a pass runs its reads: `concurrency` at a time, so that one slow
 * device cannot hold the others. A read still going after
 * {@link SLOW_READ_MS} gives its place to the next device and finishes
 * beside them, among at most `concurrency` such slow reads; so up to twice
 * `concurrency` devices are read at once, each bounded by its own read's
 * budget (src/agent/snmp/read-budget.ts), and a pass with a few dozen slow
 * or hostile printers still reads the honest ones as they come and ends one
 * read deadline after its last read started.
 */
import { type Clock, systemClock } from "../../common/clock.ts";

/**
 * When a read counts as slow: a printer reads in under 2 s on a LAN
 * (test/bench/read/README.md), a few seconds over a slow link or with a
 * lost packet (a 2 s timeout and its retry).
 */
export const SLOW_READ_MS = 10_000;

/** A bounded set of running reads. */
export interface ReadPool {
  /** Resolves when a place is free (at once if one is). */
  room(): Promise<void>;
  /** Starts `job` now; call after room(). Its failure is its own (report it inside). */
  start(job: () => Promise<void>): void;
  /** Resolves once every job started has ended. */
  idle(): Promise<void>;
  /** Jobs running, slow ones included. */
  readonly size: number;
}

/** A pool of `concurrency` places and as many for slow reads. */
export function createReadPool(concurrency: number, clock: Clock = systemClock, slowAfterMs = SLOW_READ_MS): ReadPool {
  let prompt = 0;
  let slow = 0;
  const running = new Set<Promise<void>>();
  const waiters: (() => void)[] = [];
  /** Reads past slowAfterMs still holding a place: they move when a slow place frees. */
  const overdue: (() => void)[] = [];

  const freePlace = () => {
    prompt--;
    waiters.shift()?.();
  };

  return {
    get size() {
      return running.size;
    },
    room() {
      return prompt < concurrency ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    start(job) {
      prompt++;
      let lane: "prompt" | "slow" = "prompt";
      const moveToSlow = () => {
        lane = "slow";
        slow++;
        freePlace();
      };
      const becameSlow = () => {
        if (lane !== "prompt") return;
        if (slow < concurrency) moveToSlow();
        else overdue.push(moveToSlow);
      };
      const cancel = clock.setTimer(becameSlow, slowAfterMs);
      const run = (async () => {
        try {
          await job();
        } catch {
          // The job reports its own failure.
        }
      })().finally(() => {
        cancel();
        running.delete(run);
        const waiting = overdue.indexOf(moveToSlow);
        if (waiting >= 0) overdue.splice(waiting, 1);
        if (lane === "prompt") return freePlace();
        slow--;
        overdue.shift()?.();
      });
      running.add(run);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

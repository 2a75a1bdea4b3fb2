/**
 * A budget for activation attempts over all client addresses, on top of the per-address limit:
 * a guesser with many addresses no longer multiplies its guesses. Within the budget an attempt is
 * checked at once. Beyond it the hub checks one attempt per gap, the gap doubling up to a cap, in
 * the order they came; each address may have ONE attempt waiting, and an attempt waits at most
 * `maxWaitMs` before it is refused unchecked. So an honest activation from its own address waits
 * behind at most one attempt of each attacking address (20 addresses x 0.5 s = 10 s, inside the
 * agent's 30 s call timeout), and no attempt is ever checked out of turn: the gate says nothing
 * about whether a code is right. What it cannot do: an honest agent behind the attacker's own
 * address (the same NAT) shares that address's one place and its per-address limit.
 */
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";

/** The gate's numbers (defaults in {@link ACTIVATION_GATE}). */
export interface ActivationGateLimits {
  /** Attempts checked at once per minute, over all addresses. */
  perMinute: number;
  /** The first gap between attempts beyond the budget; each one admitted doubles it... */
  gapBaseMs: number;
  /** ...up to this. */
  gapCapMs: number;
  /** How long an attempt may wait for its turn before it is refused unchecked. */
  maxWaitMs: number;
  /** Attempts waiting at once, over all addresses. */
  maxWaiting: number;
}

/**
 * 300 attempts a minute before the gate slows down: an MSP pushing hundreds of agents at once
 * activates them all within a couple of minutes, while guessing from any number of addresses is
 * held to about 300 plus 120 a minute (one per 0.5 s once the gap reaches its cap). An honest
 * attempt waits behind at most one attempt per attacking address, 0.5 s each: up to 50 attacking
 * addresses it is checked within the 25 s it may wait (the agent's call waits 30 s).
 */
export const ACTIVATION_GATE: ActivationGateLimits = { perMinute: 300, gapBaseMs: 100, gapCapMs: 500, maxWaitMs: 25_000, maxWaiting: 256 };

export interface ActivationGate {
  /** Resolves when the attempt from `address` may be checked; rejects `resource-exhausted` (unchecked) otherwise. */
  admit(address: string): Promise<void>;
  /**
   * For a hub shutting down: every waiting attempt is refused `unavailable` (unchecked) and so is
   * any later one, and no timer is left to keep the process alive.
   */
  close(): void;
}

interface Waiter {
  address: string;
  since: number;
  resolve(): void;
  reject(e: Error): void;
}

export function createActivationGate(clock: Clock, limits: ActivationGateLimits = ACTIVATION_GATE): ActivationGate {
  let windowStart = clock.now();
  let inWindow = 0;
  /** The gap after the next attempt let through beyond the budget. */
  let gap = limits.gapBaseMs;
  /** When the last attempt beyond the budget was let through, and the wait before the next. */
  let lastSlow = -Infinity;
  let wait = 0;
  const queue: Waiter[] = [];
  const waitingFrom = new Set<string>();
  let timer: (() => void) | undefined;
  let closed = false;
  const stopping = () => new DcaError("unavailable", "the hub is shutting down; try again in a minute");

  function roll(now: number): void {
    if (now - windowStart < 60_000) return;
    windowStart = now;
    inWindow = 0;
    if (!queue.length) {
      gap = limits.gapBaseMs;
      wait = 0;
    }
  }

  const busy = (retryMs: number, why: string) =>
    new DcaError("resource-exhausted", `the hub takes activations slowly now (${why}); try again in ${Math.ceil(retryMs / 1000)} s`, { retryAfterMs: retryMs });

  /** Lets the head of the queue through when its turn has come, drops those that waited too long. */
  function serve(): void {
    timer = undefined;
    const now = clock.now();
    roll(now);
    while (queue.length && now - queue[0]!.since >= limits.maxWaitMs) {
      const w = queue.shift()!;
      waitingFrom.delete(w.address);
      w.reject(busy(limits.gapCapMs * queue.length || limits.gapCapMs, "too many attempts are waiting"));
    }
    if (!queue.length) return;
    if (now >= lastSlow + wait) {
      const w = queue.shift()!;
      waitingFrom.delete(w.address);
      lastSlow = now;
      inWindow++;
      wait = gap;
      gap = Math.min(limits.gapCapMs, gap * 2);
      w.resolve();
    }
    if (queue.length) timer = clock.setTimer(serve, Math.max(0, Math.min(lastSlow + wait, queue[0]!.since + limits.maxWaitMs) - now));
  }

  return {
    admit(address) {
      if (closed) return Promise.reject(stopping());
      const now = clock.now();
      roll(now);
      if (inWindow < limits.perMinute && !queue.length) {
        inWindow++;
        return Promise.resolve();
      }
      if (waitingFrom.has(address)) return Promise.reject(busy(limits.gapCapMs, "an attempt from this address is already waiting"));
      if (queue.length >= limits.maxWaiting) return Promise.reject(busy(limits.maxWaitMs, "too many attempts are waiting"));
      return new Promise<void>((resolve, reject) => {
        queue.push({ address, since: now, resolve, reject });
        waitingFrom.add(address);
        if (!timer) serve();
      });
    },
    close() {
      closed = true;
      timer?.();
      timer = undefined;
      for (const w of queue.splice(0)) w.reject(stopping());
      waitingFrom.clear();
    },
  };
}

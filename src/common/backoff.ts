/**
 * Exponential backoff with full jitter and a cap, on an injected random
 * source (tailscale's util/backoff habit): attempt 1 waits about base,
 * each further failure doubles it, never beyond cap.
 */
export interface Backoff {
  /** The wait after `failures` consecutive failures (>= 1). */
  delayMs(failures: number): number;
}

export function createBackoff(baseMs: number, capMs: number, random: () => number = Math.random): Backoff {
  return {
    delayMs(failures) {
      const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
      // Between half and all of the exponential value: spread, but never zero.
      return Math.round(exp / 2 + (random() * exp) / 2);
    },
  };
}

/** `ms` give or take `fraction` (0.1 = +-10 %), so a fleet of agents does not poll in step. */
export function withJitter(ms: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}

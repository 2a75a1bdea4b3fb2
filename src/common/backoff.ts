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

/**
 * The agent's waits after a failed poll, upload or wake-up connection: from
 * 1 s up to 8 s, so that work resumes within seconds of the hub coming back
 * (a dead hub costs an agent one cheap attempt every few seconds).
 */
export const SERVICE_BACKOFF = { baseMs: 1_000, capMs: 8_000 } as const;

/**
 * The waits before a failed discovery or read pass runs again: from 30 s up to 30 minutes. A pass
 * costs traffic on the customer's LAN and its cause (a full disk, a read-only state folder) rarely
 * goes away within seconds; a new config from the hub tries again at once.
 */
export const JOB_RETRY_BACKOFF = { baseMs: 30_000, capMs: 30 * 60_000 } as const;

/**
 * Whether the `failures`-th failure in a row is worth a log line: the 1st,
 * 2nd, 4th, 8th... so an outage of a day at SERVICE_BACKOFF logs about a
 * dozen lines, not thousands.
 */
export function worthLogging(failures: number): boolean {
  return failures >= 1 && (failures & (failures - 1)) === 0;
}

/** `ms` give or take `fraction` (0.1 = +-10 %), so a fleet of agents does not poll in step. */
export function withJitter(ms: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}

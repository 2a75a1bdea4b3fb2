/**
 * Second-factor challenges: what a right password earns when the user has
 * TOTP. A challenge is a random string held in memory only (a hub restart
 * just means signing in again), valid for 5 minutes, for at most 5 codes,
 * and gone once a code passes. The map is bounded: when full, expired
 * challenges go first, then the oldest, so a flood of right passwords (which
 * only a password holder can produce) cannot grow memory.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../common/clock.ts";

/** How long a challenge is valid. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Codes a challenge may be tried with. */
export const CHALLENGE_MAX_TRIES = 5;
/** Most challenges held at once. */
export const MAX_OPEN_CHALLENGES = 10_000;

interface Challenge {
  userId: string;
  expiresAt: number;
  tries: number;
}

/** What `try` found: the challenge's user and whether this is its last try, or nothing usable. */
export type ChallengeLookup = { ok: true; userId: string; lastTry: boolean } | { ok: false };

/** The open challenges of one hub process. */
export interface SignInChallenges {
  /** Opens a challenge for the user; its token (32 random bytes, base64url). */
  open(userId: string): string;
  /** The user of a challenge still open, without counting a try. */
  peek(token: string): string | undefined;
  /** Counts one try of the challenge; `ok` false when it is unknown, expired or used up (it is then gone). */
  tryOnce(token: string): ChallengeLookup;
  /** Ends a challenge (a code passed, or the account cannot sign in any more). */
  close(token: string): void;
  /** How many are held (for tests). */
  size(): number;
}

/** The challenges, on the clock's monotonic time. */
export function createSignInChallenges(clock: Pick<Clock, "monotonic">, maxOpen = MAX_OPEN_CHALLENGES): SignInChallenges {
  const open = new Map<string, Challenge>();
  const makeRoom = (now: number) => {
    for (const [k, c] of open) if (c.expiresAt <= now) open.delete(k);
    while (open.size >= maxOpen) open.delete(open.keys().next().value!);
  };
  return {
    open(userId) {
      const now = clock.monotonic();
      if (open.size >= maxOpen) makeRoom(now);
      const token = randomBytes(32).toString("base64url");
      open.set(token, { userId, expiresAt: now + CHALLENGE_TTL_MS, tries: 0 });
      return token;
    },
    peek(token) {
      const c = open.get(token);
      return c && c.expiresAt > clock.monotonic() && c.tries < CHALLENGE_MAX_TRIES ? c.userId : undefined;
    },
    tryOnce(token) {
      const c = open.get(token);
      if (!c || c.expiresAt <= clock.monotonic() || c.tries >= CHALLENGE_MAX_TRIES) {
        open.delete(token);
        return { ok: false };
      }
      c.tries++;
      const lastTry = c.tries >= CHALLENGE_MAX_TRIES;
      return { ok: true, userId: c.userId, lastTry };
    },
    close(token) {
      open.delete(token);
    },
    size: () => open.size,
  };
}

/**
 * The hub's sign-in rules an owner may change (kept in hub_settings by the
 * settings code; passed in here), their defaults and bounds, and what they
 * say about one user at one moment: locked, or idle for too long.
 */
import { DcaError } from "../../common/errors.ts";
import type { User } from "../store/index.ts";

/** The sign-in rules in force. */
export interface SignInSettings {
  /** Every user must have a second factor: one without signs in only to enrol. */
  require2fa: boolean;
  /** Consecutive failed sign-ins (password or second factor) that lock an account. */
  lockoutAttempts: number;
  /** How long a lock lasts; 0: until an admin unlocks. */
  lockoutMinutes: number;
  /** Enabled accounts not used for more than this many days are disabled (1 to 180). */
  inactivityDays: number;
}

/** The rules of a new hub: no forced 2FA, 5 failures lock for 15 minutes, 90 idle days disable. */
export const DEFAULT_SIGN_IN_SETTINGS: Readonly<SignInSettings> = Object.freeze({
  require2fa: false,
  lockoutAttempts: 5,
  lockoutMinutes: 15,
  inactivityDays: 90,
});

/** The bounds `checkSignInSettings` enforces (inclusive). */
export const SIGN_IN_SETTING_BOUNDS = Object.freeze({
  lockoutAttempts: [1, 100],
  lockoutMinutes: [0, 7 * 24 * 60],
  inactivityDays: [1, 180],
} as const);

/** Refuses (invalid-argument, naming the setting and its bounds) settings out of bounds or not whole numbers. */
export function checkSignInSettings(s: SignInSettings): void {
  if (typeof s.require2fa !== "boolean") throw new DcaError("invalid-argument", "sign-in setting require2fa must be true or false");
  for (const [name, [min, max]] of Object.entries(SIGN_IN_SETTING_BOUNDS)) {
    const v = s[name as keyof typeof SIGN_IN_SETTING_BOUNDS];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new DcaError("invalid-argument", `sign-in setting ${name} must be a whole number from ${min} to ${max}`);
    }
  }
}

const DAY_MS = 86_400_000;

/** Whether the user is locked at `nowMs` (a lock with no end lasts until unlocked). */
export function isLocked(user: User, nowMs: number): boolean {
  return user.lockedAt !== undefined && (user.lockedUntil === undefined || user.lockedUntil.getTime() > nowMs);
}

/** When the user was last active: the last sign-in, or the creation if never. */
export function lastActive(user: User): Date {
  return user.lastSignInAt ?? user.createdAt;
}

/** Whether an enabled user's last activity is more than `days` days before `nowMs`. */
export function isInactive(user: User, nowMs: number, days: number): boolean {
  return user.disabledAt === undefined && nowMs - lastActive(user).getTime() > days * DAY_MS;
}

/** The reason an idle user is disabled with ("inactive for 91 days"). */
export function inactiveReason(user: User, nowMs: number): string {
  return `inactive for ${Math.floor((nowMs - lastActive(user).getTime()) / DAY_MS)} days`;
}

/** The inactivity cutoff at `nowMs`: users last active before it are idle. */
export function inactivityCutoff(nowMs: number, days: number): Date {
  return new Date(nowMs - days * DAY_MS);
}

/** The lockout rule as the store takes it. */
export function lockoutOf(s: SignInSettings): { attempts: number; lockMs: number } {
  return { attempts: s.lockoutAttempts, lockMs: s.lockoutMinutes * 60_000 };
}

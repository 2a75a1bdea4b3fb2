/**
 * Signing in, as steps over the store and the clock; the caller makes the
 * session and writes the audit record (`reason` is for that record only).
 *
 * No oracle for usernames: an unknown user, a wrong password, a locked and a
 * disabled account all get one message and take one Argon2id verify. Only
 * after the right password may a locked account be told so (with until
 * when): only the password holder learns it. Failures of the password and of
 * the second factor count alike towards the lockout, and only a complete
 * sign-in resets the count, so knowing the password does not buy fresh
 * guesses at the code.
 */
import { DcaError } from "../../common/errors.ts";
import { MAX_USERNAME, type User } from "../store/index.ts";
import { verifyPassword } from "./passwords.ts";
import { type SecondFactor, useSecondFactorCode } from "./second-factor.ts";
import { type SignInChallenges, createSignInChallenges } from "./sign-in-challenges.ts";
import { type SignInLimiter, createSignInLimiter } from "./sign-in-limiter.ts";
import { DEFAULT_SIGN_IN_SETTINGS, inactiveReason, inactivityCutoff, isInactive, isLocked, lockoutOf } from "./sign-in-settings.ts";
import type { AccountsOptions } from "./user-accounts.ts";

/** The one answer to every refused password, whatever the reason (no username oracle). */
export const SIGN_IN_REFUSED = "sign-in refused: wrong username or password, or the account is locked or disabled; ask an admin if this keeps happening";
/** The answer when the rate limits are passed. */
export const SIGN_IN_RATE_LIMITED = "sign-in refused: too many sign-in attempts; wait a minute";

/** Why a sign-in was refused, for the audit log only (never shown: the message is). */
export type SignInRefusalReason = "unknown-user" | "bad-password" | "locked" | "disabled" | "inactive" | "rate-limited" | "bad-code" | "expired-challenge";

/** A refused step. `code` is the error code to answer with (it never tells more than `message`). */
export interface SignInRefused {
  outcome: "refused";
  message: string;
  reason: SignInRefusalReason;
  code: "unauthenticated" | "failed-precondition" | "resource-exhausted";
  /** The user the attempt named, if one exists: for the audit log only. */
  userId?: string;
  /** When a lock the user was told of ends (absent: until an admin unlocks). */
  lockedUntil?: Date;
  /** For rate-limited: how long to wait. */
  retryAfterMs?: number;
}

/** What a password step leads to. */
export type PasswordOutcome =
  | { outcome: "ok"; user: User }
  | { outcome: "second-factor"; user: User; challenge: string }
  | { outcome: "enrol-2fa"; user: User }
  | SignInRefused;

/** What a second-factor step leads to. */
export type SecondFactorOutcome = { outcome: "ok"; user: User; factor: SecondFactor } | SignInRefused;

/** Options of `createSignIn`. */
export interface SignInOptions extends AccountsOptions {
  /** Rate limits; default 10 a minute per account, 30 per address, on `clock`. */
  limiter?: SignInLimiter;
  /** Open challenges; default a new in-memory set on `clock`. */
  challenges?: SignInChallenges;
}

/** A refusal as a DcaError (reason = the refusal's reason), for callers that answer with errors. */
export function signInError(r: SignInRefused): DcaError {
  return new DcaError(r.code, r.message, { reason: r.reason, ...(r.retryAfterMs !== undefined && { retryAfterMs: r.retryAfterMs }) });
}

/** The sign-in steps over one store. */
export function createSignIn(opts: SignInOptions) {
  const { store, clock } = opts;
  const settings = opts.settings ?? (() => DEFAULT_SIGN_IN_SETTINGS);
  const limiter = opts.limiter ?? createSignInLimiter({ clock });
  const challenges = opts.challenges ?? createSignInChallenges(clock);

  const refused = (reason: SignInRefusalReason, user?: User): SignInRefused => ({
    outcome: "refused",
    message: SIGN_IN_REFUSED,
    reason,
    code: "unauthenticated",
    ...(user && { userId: user.id }),
  });
  /** A refusal that tells a proven password holder their account is locked. */
  const lockedRefusal = (user: User, reason: SignInRefusalReason, lead = "sign-in refused:"): SignInRefused => {
    const until = user.lockedUntil ? `until ${user.lockedUntil.toISOString().slice(0, 16).replace("T", " ")} UTC; wait, or ask an admin to unlock it` : "until an admin unlocks it; ask an admin";
    return {
      outcome: "refused",
      message: `${lead} the account is locked after too many failed attempts, ${until}`,
      reason,
      code: "failed-precondition",
      userId: user.id,
      ...(user.lockedUntil && { lockedUntil: user.lockedUntil }),
    };
  };
  const rateLimited = (retryAfterMs: number, user?: User): SignInRefused => ({
    outcome: "refused",
    message: SIGN_IN_RATE_LIMITED,
    reason: "rate-limited",
    code: "resource-exhausted",
    retryAfterMs,
    ...(user && { userId: user.id }),
  });

  return {
    /** The first step: username and password, from `address` (the remote address, for the rate limits). */
    async checkPassword(attempt: { username: string; password: string; address: string }): Promise<PasswordOutcome> {
      // Bounded keys: a megabyte "username" must not become a megabyte of limiter state.
      const limit = limiter.take({ account: attempt.username.slice(0, MAX_USERNAME + 1), address: attempt.address.slice(0, 100) });
      const found = attempt.username.length <= MAX_USERNAME ? store.getUserByUsername(attempt.username) : undefined;
      if (!limit.ok) return rateLimited(limit.retryAfterMs, found);
      // One verify on every path below, against the dummy hash when there is nothing real.
      const right = await verifyPassword(attempt.password, (found && store.userSecrets(found.id)?.passwordHash) || "");
      // Read again: attempts running beside this one may have locked the account during the verify.
      const user = found && store.getUser(found.id);
      if (!user) return refused("unknown-user");
      const now = clock.now();
      const s = settings();
      if (user.disabledAt) return refused("disabled", user);
      if (isInactive(user, now, s.inactivityDays)) {
        store.setUserDisabled(user.id, true, inactiveReason(user, now));
        return refused("inactive", user);
      }
      if (isLocked(user, now)) return right ? lockedRefusal(user, "locked") : refused("locked", user);
      // A user without a local password (SSO) cannot be locked out through this door.
      if (!user.hasPassword) return refused("bad-password", user);
      if (!right) {
        store.recordSignInFailure(user.id, lockoutOf(s));
        return refused("bad-password", user);
      }
      if (user.totpEnabledAt) return { outcome: "second-factor", user, challenge: challenges.open(user.id) };
      const done = store.recordSignIn(user.id);
      return s.require2fa ? { outcome: "enrol-2fa", user: done } : { outcome: "ok", user: done };
    },

    /** The second step: a TOTP or recovery code for the challenge the password step gave. */
    checkSecondFactor(attempt: { challenge: string; code: string; address: string }): SecondFactorOutcome {
      const expired = (user?: User): SignInRefused => ({
        outcome: "refused",
        message: "sign-in refused: the sign-in took too long or had too many wrong codes; sign in again",
        reason: "expired-challenge",
        code: "unauthenticated",
        ...(user && { userId: user.id }),
      });
      const peeked = challenges.peek(attempt.challenge);
      const holder = peeked === undefined ? undefined : store.getUser(peeked);
      if (!holder) return expired();
      const limit = limiter.take({ account: holder.username, address: attempt.address.slice(0, 100) });
      if (!limit.ok) return rateLimited(limit.retryAfterMs, holder);
      const tried = challenges.tryOnce(attempt.challenge);
      if (!tried.ok) return expired(holder);
      const now = clock.now();
      const user = store.getUser(tried.userId);
      if (!user || user.disabledAt) {
        challenges.close(attempt.challenge);
        return user ? refused("disabled", user) : expired();
      }
      if (isLocked(user, now)) {
        challenges.close(attempt.challenge);
        return lockedRefusal(user, "locked");
      }
      const factor = useSecondFactorCode(store, user.id, attempt.code, now);
      if (factor) {
        challenges.close(attempt.challenge);
        return { outcome: "ok", user: store.recordSignIn(user.id), factor };
      }
      const after = store.recordSignInFailure(user.id, lockoutOf(settings()));
      if (isLocked(after, now)) {
        challenges.close(attempt.challenge);
        return lockedRefusal(after, "bad-code", "sign-in refused: wrong code, and");
      }
      if (tried.lastTry) {
        challenges.close(attempt.challenge);
        return { ...expired(user), reason: "bad-code", message: "sign-in refused: wrong code, and too many for this sign-in; sign in again" };
      }
      return {
        outcome: "refused",
        message: "sign-in refused: wrong or already used code; type the code the authenticator app shows now, or an unused recovery code",
        reason: "bad-code",
        code: "unauthenticated",
        userId: user.id,
      };
    },

    /** Disables every enabled user idle for more than the inactivity days (the hub calls this daily); those disabled. */
    disableInactive(nowMs = clock.now()): User[] {
      return store.disableUsersInactiveSince(inactivityCutoff(nowMs, settings().inactivityDays));
    },
  };
}

/** The sign-in steps (see createSignIn). */
export type SignIn = ReturnType<typeof createSignIn>;

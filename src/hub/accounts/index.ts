/**
 * Local accounts and signing in (docs/security.md "People"): users, the
 * password policy and Argon2id hashes, TOTP with recovery codes, lockout,
 * inactivity and sign-in rate limits. A library over the hub store
 * (AccountStore) and an injected clock; sessions, the API and the audit
 * records are the callers'.
 */
export { createUserAccounts, type AccountsOptions, type NewLocalUser, type Proof, type UserAccounts } from "./user-accounts.ts";
export { createTotpEnrolment, type TotpEnrolment, type TotpEnrolmentOptions, type TotpEnrolments } from "./totp-enrolment.ts";
export {
  SIGN_IN_RATE_LIMITED,
  SIGN_IN_REFUSED,
  createSignIn,
  signInError,
  type PasswordOutcome,
  type SecondFactorOutcome,
  type SignIn,
  type SignInOptions,
  type SignInRefusalReason,
  type SignInRefused,
} from "./sign-in.ts";
export { createSignInLimiter, type LimitAnswer, type SignInLimiter, type SignInLimiterOptions } from "./sign-in-limiter.ts";
export { CHALLENGE_MAX_TRIES, CHALLENGE_TTL_MS, createSignInChallenges, type SignInChallenges } from "./sign-in-challenges.ts";
export {
  DEFAULT_SIGN_IN_SETTINGS,
  SIGN_IN_SETTING_BOUNDS,
  checkSignInSettings,
  isInactive,
  isLocked,
  type SignInSettings,
} from "./sign-in-settings.ts";
export { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, checkPasswordPolicy, hashPassword, verifyPassword } from "./passwords.ts";
export { RECOVERY_CODE_COUNT, type SecondFactor, totpCodeAt } from "./second-factor.ts";

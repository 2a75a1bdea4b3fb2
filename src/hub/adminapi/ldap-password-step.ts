/**
 * The password step of SignIn for people of the directory: when the hub has
 * an LDAP configuration and the name typed is not a local account's, the
 * password is checked by a bind to the directory (src/hub/sso ldapSignIn),
 * the person becomes (or is found as) the hub user of their DN, and their
 * directory groups decide their roles (sso-users.ts).
 *
 * The rules are the local ones where they apply: the same refusal for an
 * unknown name and a wrong password, the same rate limits, failures counted
 * towards the hub's lockout of that user (which also spares the directory
 * account its own lockout), and a second factor: an LDAP password is one
 * factor, so a user who enrolled TOTP here is asked for a code, and when
 * the hub requires 2FA one without gets a session that may only enrol.
 */
import { SIGN_IN_RATE_LIMITED, SIGN_IN_REFUSED, type PasswordOutcome, type SignInRefused } from "../accounts/index.ts";
import { spendVerify } from "../accounts/passwords.ts";
import { lockoutOf } from "../accounts/sign-in-settings.ts";
import { isRefusal, ldapSignIn } from "../sso/index.ts";
import { MAX_USERNAME, type User } from "../store/index.ts";
import type { HubSignIn } from "./hub-sign-in.ts";
import { type SsoUserFacts, ssoUserFor } from "./sso-users.ts";

/** What the LDAP step found out, for the audit record. */
export interface LdapStepFacts extends SsoUserFacts {
  /** Set once the attempt is the directory's. */
  source?: "ldap";
  /** The directory's words for a refusal (bad-credentials, empty-password, ambiguous-user). */
  ldapReason?: string;
}

const refused = (reason: SignInRefused["reason"], user?: User): SignInRefused => ({
  outcome: "refused",
  message: SIGN_IN_REFUSED,
  reason,
  code: "unauthenticated",
  ...(user && { userId: user.id }),
});

/**
 * The outcome of a password attempt through the directory; undefined when this attempt is not
 * the directory's (no LDAP configured, or the name is a local account's): then the local step runs.
 * Throws DcaErrors for the directory's own problems and for refusals after the directory said yes.
 */
export async function ldapPasswordStep(
  hub: HubSignIn,
  attempt: { username: string; password: string; address: string },
  facts: LdapStepFacts,
): Promise<PasswordOutcome | undefined> {
  const { store } = hub;
  const named = attempt.username.length <= MAX_USERNAME ? store.getUserByUsername(attempt.username) : undefined;
  if (named?.source === "local") return undefined;
  const config = hub.sso.ldap();
  if (!config) return undefined;
  const known = named?.source === "ldap" ? named : undefined;
  facts.source = "ldap";
  if (known) facts.userId = known.id;
  const limit = hub.limiter.take({ account: attempt.username.slice(0, 257), address: attempt.address.slice(0, 100) });
  if (!limit.ok) {
    return { outcome: "refused", message: SIGN_IN_RATE_LIMITED, reason: "rate-limited", code: "resource-exhausted", retryAfterMs: limit.retryAfterMs, ...(known && { userId: known.id }) };
  }
  // A local attempt spends one Argon2id verify; so does this one, so timing does not tell local names from others.
  await spendVerify(attempt.password);
  const r = await ldapSignIn(config, attempt.username, attempt.password);
  if (isRefusal(r)) {
    facts.ldapReason = r.reason;
    if (known) store.recordSignInFailure(known.id, lockoutOf(hub.settings()));
    return refused("bad-password", known);
  }
  const user = ssoUserFor(hub, r, hub.sso.roleMapping(), facts);
  if (user.totpEnabledAt) return { outcome: "second-factor", user, challenge: hub.challenges.open(user.id) };
  const done = store.recordSignIn(user.id);
  return hub.settings().require2fa ? { outcome: "enrol-2fa", user: done } : { outcome: "ok", user: done };
}

/**
 * "Confirm it is you" before a change to one's own security (password, 2FA,
 * API tokens), for every kind of account:
 * - local users: the current password, or a TOTP or recovery code;
 * - LDAP users: their directory password (checked by a bind, as at sign-in),
 *   or a code if they enrolled TOTP here;
 * - OIDC users, who have no password at the hub and whose second factor is
 *   the identity provider's: a sign-in through the provider less than
 *   RECENT_SIGN_IN_MS ago, in the session making the change.
 * A wrong password or code counts towards the lockout as a failed sign-in.
 */
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import type { Confirmation } from "../../gen/dca/v1/admin_people_pb.ts";
import type { Caller } from "../access/index.ts";
import type { Proof, SignInSettings, UserAccounts } from "../accounts/index.ts";
import { isLocked, lockoutOf } from "../accounts/sign-in-settings.ts";
import { type SsoSettings, isRefusal, ldapSignIn } from "../sso/index.ts";
import type { HubStore, User } from "../store/index.ts";

/** How fresh an OIDC sign-in must be to confirm a change. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/** What proved it: the password, a factor, or a recent single sign-on. */
export type Confirmed = "password" | "totp" | "recovery-code" | "recent-sign-in";

/** What createConfirmIdentity needs. */
export interface ConfirmIdentityDeps {
  store: Pick<HubStore, "getUser" | "listSessions" | "recordSignInFailure">;
  clock: Pick<Clock, "now">;
  settings: () => SignInSettings;
  accounts: Pick<UserAccounts, "confirmIdentity">;
  sso: Pick<SsoSettings, "ldap">;
}

/** The refusal of a change that came without a password or code. */
export const NO_PROOF = "confirm it is you: give your current password, or a code from your authenticator app (or a recovery code)";

/** A proof out of a request's Confirmation (a code wins when both are given); undefined when empty. */
export function proofOf(c: Confirmation | undefined): Proof | undefined {
  const code = c?.totpCode.trim() ?? "";
  if (code) return { code };
  return c?.password ? { password: c.password } : undefined;
}

/** The confirmations over one store. */
export function createConfirmIdentity(deps: ConfirmIdentityDeps) {
  const { store, clock } = deps;
  const requireUser = (id: string): User => {
    const u = store.getUser(id);
    if (!u) throw new DcaError("not-found", `unknown user "${id}"`);
    return u;
  };

  /** Checks a directory password by a bind as the person (their DN must be the one this user came from). */
  async function ldapPassword(user: User, password: string): Promise<"password"> {
    if (isLocked(user, clock.now())) {
      throw new DcaError("failed-precondition", "the account is locked after too many failed attempts; wait, or ask an admin to unlock it", { reason: "locked" });
    }
    const config = deps.sso.ldap();
    if (!config) throw new DcaError("failed-precondition", "this hub no longer signs people in through LDAP; ask an owner", { reason: "no-ldap" });
    // The hub username is the directory's, unless it was taken at this hub and got ".ldap" added (sso-users.ts).
    const names = [user.username, ...(/\.ldap\d*$/.test(user.username) ? [user.username.replace(/\.ldap\d*$/, "")] : [])];
    for (const name of names) {
      const r = await ldapSignIn(config, name, password);
      if (!isRefusal(r) && r.externalId === user.externalId) return "password";
    }
    store.recordSignInFailure(user.id, lockoutOf(deps.settings()));
    throw new DcaError("unauthenticated", "the current password is wrong; type it again (failures count towards locking the account)", { reason: "bad-proof" });
  }

  /** Confirms a password or code of the user (the TOTP library's check, LDAP-aware). */
  async function proof(id: string, p: Proof): Promise<Exclude<Confirmed, "recent-sign-in">> {
    const user = requireUser(id);
    if ("password" in p && user.source === "ldap") return ldapPassword(user, p.password);
    if ("password" in p && user.source !== "local") {
      throw new DcaError("failed-precondition", "this account signs in through the OIDC provider and has no password at the hub; sign in again with single sign-on to confirm", {
        reason: "no-password",
      });
    }
    const r = await deps.accounts.confirmIdentity(id, p);
    return r === "password" ? "password" : r;
  }

  /** Confirms the caller: a password or code from the request, or (OIDC users) a recent sign-in. */
  async function caller(c: Caller, confirmation: Confirmation | undefined): Promise<Confirmed> {
    const p = proofOf(confirmation);
    if (p) return proof(c.userId, p);
    const user = requireUser(c.userId);
    if (user.source !== "oidc") throw new DcaError("unauthenticated", NO_PROOF, { reason: "no-proof" });
    const session = c.via === "session" ? store.listSessions(c.userId).find((s) => s.id === c.credentialId) : undefined;
    if (session?.method === "oidc" && clock.now() - session.createdAt.getTime() <= RECENT_SIGN_IN_MS) return "recent-sign-in";
    throw new DcaError(
      "unauthenticated",
      `confirm it is you: sign in again with single sign-on (dca-hub login --sso); a sign-in less than ${RECENT_SIGN_IN_MS / 60_000} minutes old confirms changes to your account`,
      { reason: "not-recent" },
    );
  }

  return { proof, caller };
}

/** The confirmations (see createConfirmIdentity). */
export type ConfirmIdentity = ReturnType<typeof createConfirmIdentity>;

/**
 * Local user accounts: creating them, the admin's switches (disable, enable,
 * unlock, reset a password) and what a user does to their own account
 * (change the password), with "confirm it is you": every change a user makes
 * to their own security needs their current password or a second-factor code
 * (docs/security.md "People"), and a wrong one counts towards the lockout
 * like a failed sign-in, so a stolen session cannot guess the password
 * through these calls either.
 */
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { type AccountStore, type User, checkUsername } from "../store/index.ts";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./passwords.ts";
import { type SecondFactor, useSecondFactorCode } from "./second-factor.ts";
import { DEFAULT_SIGN_IN_SETTINGS, type SignInSettings, isLocked, lockoutOf } from "./sign-in-settings.ts";

/** What every part of src/hub/accounts is built on. */
export interface AccountsOptions {
  store: AccountStore;
  /** Wall time (TOTP steps, locks, inactivity) and monotonic time (rate limits, challenges). */
  clock: Pick<Clock, "now" | "monotonic">;
  /** The sign-in rules in force, read at each use (owners change them while the hub runs); defaults if absent. */
  settings?: () => SignInSettings;
}

/** How a user confirms it is them: the current password, or a TOTP or recovery code. */
export type Proof = { password: string } | { code: string };

/** What `createLocalUser` takes. */
export interface NewLocalUser {
  username: string;
  displayName?: string;
  email?: string;
  /** The first password (policy-checked); none: the user cannot sign in until an admin sets one. */
  password?: string;
  /** Who created the account (an admin's username, "admin-local:<os user>"). */
  createdBy?: string;
}

/** The user-account functions over one store. */
export function createUserAccounts(opts: AccountsOptions) {
  const { store, clock } = opts;
  const settings = opts.settings ?? (() => DEFAULT_SIGN_IN_SETTINGS);
  const requireUser = (id: string): User => {
    const u = store.getUser(id);
    if (!u) throw new DcaError("not-found", `unknown user "${id}"; list the users to find the right one`);
    return u;
  };

  return {
    /** Adds a local user; the username is checked first, then the password against the policy. */
    async createLocalUser(u: NewLocalUser): Promise<User> {
      checkUsername(u.username);
      let passwordHash: string | undefined;
      if (u.password !== undefined) {
        await checkPasswordPolicy(u.password, u.username);
        passwordHash = await hashPassword(u.password);
      }
      const { password: _, ...facts } = u;
      return store.createUser({ ...facts, source: "local", ...(passwordHash && { passwordHash }) });
    },

    getUser: (id: string): User | undefined => store.getUser(id),
    /** The user of that username, in any letter case. */
    getUserByUsername: (username: string): User | undefined => store.getUserByUsername(username),
    /** Every user, by username. */
    listUsers: (): User[] => store.listUsers(),

    /** Disables a user (they cannot sign in; their sessions are the caller's to revoke). */
    disableUser(id: string, reason = "disabled by an admin"): User {
      return store.setUserDisabled(requireUser(id).id, true, reason);
    },

    /** Enables a user; their inactivity clock starts again now. */
    enableUser(id: string): User {
      return store.setUserDisabled(requireUser(id).id, false);
    },

    /** Lifts a lock and forgets the failed attempts. */
    unlockUser(id: string): User {
      return store.unlockUser(requireUser(id).id);
    },

    /** An admin sets a user's password (policy-checked) without knowing the old one. */
    async resetPassword(id: string, password: string): Promise<User> {
      const u = requireUser(id);
      await checkPasswordPolicy(password, u.username);
      return store.setPasswordHash(u.id, await hashPassword(password));
    },

    /** A user changes their own password: the current one first (a wrong one counts as a failure), then the policy. */
    async changePassword(id: string, change: { current: string; next: string }): Promise<User> {
      await confirmIdentity(id, { password: change.current });
      const u = requireUser(id);
      await checkPasswordPolicy(change.next, u.username);
      return store.setPasswordHash(u.id, await hashPassword(change.next));
    },

    confirmIdentity,
  };

  /**
   * Confirms it is the user before a change to their own security: resolves with what proved
   * it; throws `unauthenticated` (reason "bad-proof", counted towards the lockout) when the
   * proof is wrong, `failed-precondition` (reason "locked") when the account is locked.
   */
  async function confirmIdentity(id: string, proof: Proof): Promise<"password" | SecondFactor> {
    const u = requireUser(id);
    const now = clock.now();
    if (isLocked(u, now)) {
      throw new DcaError("failed-precondition", "the account is locked after too many failed attempts; wait, or ask an admin to unlock it", { reason: "locked" });
    }
    let proved: "password" | SecondFactor | undefined;
    if ("password" in proof) {
      proved = (await verifyPassword(proof.password, store.userSecrets(u.id)?.passwordHash ?? "")) ? "password" : undefined;
    } else {
      proved = useSecondFactorCode(store, u.id, proof.code, now);
    }
    if (proved) return proved;
    store.recordSignInFailure(u.id, lockoutOf(settings()));
    const what = "password" in proof ? "the current password is wrong" : "the code is wrong or was already used";
    throw new DcaError("unauthenticated", `${what}; type it again (failures count towards locking the account)`, { reason: "bad-proof" });
  }
}

/** The user-account functions (see createUserAccounts). */
export type UserAccounts = ReturnType<typeof createUserAccounts>;

/**
 * People at the hub: user rows, their password hash, and the sign-in state the
 * lockout and inactivity rules keep (failure count, lock, disabling, last
 * sign-in). The rules themselves (how many failures, how long a lock, how
 * many idle days) live in src/hub/accounts; the store keeps the facts and
 * makes each change in one transaction, so a count is never lost between two
 * sign-ins. Secrets (the Argon2id hash, the TOTP secret) never leave through
 * `User`: only `userSecrets` reads them, for the code that verifies.
 */
import { newId } from "./ids.ts";
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";

/** Longest username; usernames are case-insensitively unique. */
export const MAX_USERNAME = 64;
const USERNAME = /^[A-Za-z0-9._@-]+$/;

/** A user as everyone but the verifying code sees it: no hash, no secret. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string;
  /** "local", or where an SSO user came from ("oidc", "ldap"). */
  source: string;
  externalId: string;
  /** Whether a local password is set. */
  hasPassword: boolean;
  passwordChangedAt?: Date;
  /** When TOTP was confirmed; absent while the user has no second factor. */
  totpEnabledAt?: Date;
  /** Consecutive failed sign-ins (password or second factor) since the last success or unlock. */
  failedSignIns: number;
  lockedAt?: Date;
  /** When the lock ends; absent on a locked user: until an admin unlocks. */
  lockedUntil?: Date;
  disabledAt?: Date;
  disabledReason: string;
  lastSignInAt?: Date;
  createdAt: Date;
  createdBy: string;
}

/** What `createUser` takes. */
export interface NewUser {
  username: string;
  displayName?: string;
  email?: string;
  source?: string;
  externalId?: string;
  /** An Argon2id hash (src/hub/accounts hashes and checks the policy); none: no local password yet. */
  passwordHash?: string;
  createdBy?: string;
}

/** The secrets of one user, for the code that verifies them only. */
export interface UserSecrets {
  passwordHash: string;
  totpSecret: string;
  totpPendingSecret: string;
  /** The last TOTP time step accepted (the replay guard); 0 before any. */
  totpLastStep: number;
}

/** The user columns a User is made of. */
export const USER_COLUMNS =
  "id, username, display_name, email, source, external_id, password_hash <> '' AS has_password, password_changed_at, totp_enabled_at, failed_sign_ins, locked_at, locked_until, disabled_at, disabled_reason, last_sign_in_at, created_at, created_by";

/** One row of USER_COLUMNS. */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string;
  source: string;
  external_id: string;
  has_password: number;
  password_changed_at: number | null;
  totp_enabled_at: number | null;
  failed_sign_ins: number;
  locked_at: number | null;
  locked_until: number | null;
  disabled_at: number | null;
  disabled_reason: string;
  last_sign_in_at: number | null;
  created_at: number;
  created_by: string;
}

/** A row as a User (absent times stay absent). */
export function toUser(r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    source: r.source,
    externalId: r.external_id,
    hasPassword: r.has_password !== 0,
    ...(r.password_changed_at !== null && { passwordChangedAt: new Date(r.password_changed_at) }),
    ...(r.totp_enabled_at !== null && { totpEnabledAt: new Date(r.totp_enabled_at) }),
    failedSignIns: r.failed_sign_ins,
    ...(r.locked_at !== null && { lockedAt: new Date(r.locked_at) }),
    ...(r.locked_until !== null && { lockedUntil: new Date(r.locked_until) }),
    ...(r.disabled_at !== null && { disabledAt: new Date(r.disabled_at) }),
    disabledReason: r.disabled_reason,
    ...(r.last_sign_in_at !== null && { lastSignInAt: new Date(r.last_sign_in_at) }),
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
  };
}

/** Refuses a username that is not 1-64 characters of [A-Za-z0-9._@-] (a StoreError, invalid-argument). */
export function checkUsername(username: string): void {
  if (username.length < 1 || username.length > MAX_USERNAME || !USERNAME.test(username)) {
    throw new StoreError("invalid-argument", `a username must have 1 to ${MAX_USERNAME} characters, each a letter, digit, ".", "_", "@" or "-"`);
  }
  // Ids and usernames may be looked up side by side (admin commands): no username looks like an id.
  if (username.toLowerCase().startsWith("usr_")) throw new StoreError("invalid-argument", `a username must not start with "usr_"`);
}

/** The user-row methods of the store (the second factor's are in user-second-factor.ts). */
export function createUsers(ctx: StoreContext) {
  const { db } = ctx;
  const byId = (id: string) => db.query<UserRow, [string]>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id);
  const reread = (id: string): User => {
    const r = byId(id);
    if (!r) throw new StoreError("not-found", `unknown user "${id}"`);
    return toUser(r);
  };
  // One UPDATE of one user in a transaction; the user as it now is.
  const update = (id: string, sql: string, params: (string | number | null)[]): User =>
    ctx.write(() => {
      if (db.run(`UPDATE users SET ${sql} WHERE id = ?`, [...params, id]).changes === 0) throw new StoreError("not-found", `unknown user "${id}"`);
      return reread(id);
    });

  return {
    /** Adds a user; `already-exists` when the username is taken in any letter case. */
    createUser(u: NewUser): User {
      checkUsername(u.username);
      for (const [what, v] of [["display name", u.displayName ?? ""], ["email", u.email ?? ""]] as const) {
        if (v.length > 256 || /[\u0000-\u001f\u007f]/.test(v)) throw new StoreError("invalid-argument", `a ${what} must have at most 256 characters and no control characters`);
      }
      return ctx.write(() => {
        if (db.query("SELECT 1 FROM users WHERE username = ?").get(u.username)) {
          throw new StoreError("already-exists", `a user named "${u.username}" already exists; choose another username`);
        }
        const id = newId("usr");
        const now = ctx.now().getTime();
        db.run(
          "INSERT INTO users (id, username, display_name, email, source, external_id, password_hash, password_changed_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          [id, u.username, u.displayName ?? "", u.email ?? "", u.source ?? "local", u.externalId ?? "", u.passwordHash ?? "", u.passwordHash ? now : null, now, u.createdBy ?? ""],
        );
        return reread(id);
      });
    },

    getUser(id: string): User | undefined {
      const r = ctx.read(() => byId(id));
      return r ? toUser(r) : undefined;
    },

    /** The user of that username, in any letter case. */
    getUserByUsername(username: string): User | undefined {
      const r = ctx.read(() => db.query<UserRow, [string]>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`).get(username));
      return r ? toUser(r) : undefined;
    },

    /** The user an identity provider vouches for: by where they come from ("oidc", "ldap") and the provider's stable id, never by username. */
    getUserByExternalId(source: string, externalId: string): User | undefined {
      if (!externalId) return undefined;
      const r = ctx.read(() =>
        db.query<UserRow, [string, string]>(`SELECT ${USER_COLUMNS} FROM users WHERE source = ? AND external_id = ?`).get(source, externalId),
      );
      return r ? toUser(r) : undefined;
    },

    /** Every user, by username. */
    listUsers(): User[] {
      return ctx.read(() => db.query<UserRow, []>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`).all().map(toUser));
    },

    userSecrets(id: string): UserSecrets | undefined {
      return ctx.read(
        () =>
          db
            .query<UserSecrets, [string]>(
              "SELECT password_hash AS passwordHash, totp_secret AS totpSecret, totp_pending_secret AS totpPendingSecret, totp_last_step AS totpLastStep FROM users WHERE id = ?",
            )
            .get(id) ?? undefined,
      );
    },

    /** Keeps a new password hash (checked and hashed by the caller). */
    setPasswordHash(id: string, hash: string): User {
      return update(id, "password_hash = ?, password_changed_at = ?", [hash, ctx.now().getTime()]);
    },

    /**
     * Disables (with the reason shown to admins) or enables a user. Enabling restarts the
     * inactivity clock (last_sign_in_at becomes now), or an idle user would be disabled again
     * at the next sign-in.
     */
    setUserDisabled(id: string, disabled: boolean, reason = ""): User {
      const now = ctx.now().getTime();
      return disabled
        ? update(id, "disabled_at = COALESCE(disabled_at, ?), disabled_reason = ?", [now, reason])
        : update(id, "disabled_at = NULL, disabled_reason = '', last_sign_in_at = ?", [now]);
    },

    /** Lifts a lock and forgets the failures. */
    unlockUser(id: string): User {
      return update(id, "failed_sign_ins = 0, locked_at = NULL, locked_until = NULL", []);
    },

    /**
     * Counts one failed sign-in; the `attempts`-th consecutive one locks the user for `lockMs`
     * (0: until unlocked). A lock that has run out starts the count again.
     */
    recordSignInFailure(id: string, lockout: { attempts: number; lockMs: number }): User {
      return ctx.write(() => {
        const u = reread(id);
        const now = ctx.now().getTime();
        const lockOver = u.lockedUntil !== undefined && u.lockedUntil.getTime() <= now;
        const failures = (lockOver ? 0 : u.failedSignIns) + 1;
        const lockNow = failures >= lockout.attempts && (u.lockedAt === undefined || lockOver);
        db.run("UPDATE users SET failed_sign_ins = ?, locked_at = ?, locked_until = ? WHERE id = ?", [
          failures,
          lockNow ? now : lockOver ? null : (u.lockedAt?.getTime() ?? null),
          lockNow ? (lockout.lockMs > 0 ? now + lockout.lockMs : null) : lockOver ? null : (u.lockedUntil?.getTime() ?? null),
          id,
        ]);
        return reread(id);
      });
    },

    /** A complete sign-in: forgets failures and a run-out lock, and keeps the time. */
    recordSignIn(id: string): User {
      return update(id, "failed_sign_ins = 0, locked_at = NULL, locked_until = NULL, last_sign_in_at = ?", [ctx.now().getTime()]);
    },

    /** Disables every enabled user whose last sign-in (or creation, if never) is before `cutoff`; the users disabled. */
    disableUsersInactiveSince(cutoff: Date): User[] {
      return ctx.write(() => {
        const now = ctx.now().getTime();
        const ids = db
          .query<{ id: string }, [number, number, number]>(
            `UPDATE users SET disabled_at = ?, disabled_reason = 'inactive for ' || ((? - COALESCE(last_sign_in_at, created_at)) / 86400000) || ' days'
             WHERE disabled_at IS NULL AND COALESCE(last_sign_in_at, created_at) < ? RETURNING id`,
          )
          .all(now, now, cutoff.getTime());
        return ids.map((r) => reread(r.id));
      });
    },
  };
}

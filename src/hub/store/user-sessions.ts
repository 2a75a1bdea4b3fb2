/**
 * Sign-in sessions: what a person holds after signing in, sent with every
 * admin call. Only a SHA-256 of the token is kept, so the database (or a
 * backup of it) gives nobody a session. A session ends at its absolute
 * expiry, after the idle limit without use, or when revoked; both limits
 * come from the security settings as they are when the session is used, so
 * shortening them applies to sessions already open. A session found expired
 * is marked revoked, so raising a limit later does not bring it back.
 */
import { newId, newSecret, hashSecret } from "./ids.ts";
import type { SecuritySettings } from "./hub-settings.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";

/** How the session's holder signed in; "enrol-2fa" is a session that may only enrol a second factor. */
export type SessionMethod = "password" | "password+totp" | "recovery-code" | "oidc" | "ldap" | "enrol-2fa" | "sign-in-link";

const METHODS: readonly SessionMethod[] = ["password", "password+totp", "recovery-code", "oidc", "ldap", "enrol-2fa", "sign-in-link"];

/** Every session token starts with this, so a leaked one is recognisable (secret scanners). */
export const SESSION_TOKEN_PREFIX = "dcas_";

/** Uses of a session or token closer together than this are recorded once: spares a write per call. */
export const TOUCH_EVERY_MS = 60_000;

/** A sign-in session as the store hands it out (never its token). */
export interface UserSession {
  id: string;
  userId: string;
  method: SessionMethod;
  /** Set when the session may only enrol a second factor (method "enrol-2fa"). */
  limitedTo?: "enrol-2fa";
  createdAt: Date;
  /** The last recorded use (recorded at most once a minute). */
  lastUsedAt: Date;
  /** The absolute end, under the current settings. */
  expiresAt: Date;
  /** When it ends if not used before, under the current settings. */
  idleExpiresAt: Date;
  /** Where it was last used from (at first: where its holder signed in). */
  address: string;
  /** What the holder signed in with ("dca-hub 0.4.0", a browser), as the client said. */
  client: string;
  revokedAt?: Date;
  revokedReason: string;
}

/** What a sign-in decides; the store adds the id, the token and the times. */
export interface NewUserSession {
  userId: string;
  method: SessionMethod;
  address: string;
  client: string;
  /** Same as method "enrol-2fa": the session may only enrol a second factor. */
  limitedTo?: "enrol-2fa";
  /** A shorter absolute lifetime than the settings' (e.g. for an enrolment session). */
  lifetimeMs?: number;
}

/** Who asks for a revocation: the session's (or token's) own user, or an admin who may revoke anyone's. */
export type RevokeBy = { userId: string } | { admin: true };

interface SessionRow {
  id: string;
  user_id: string;
  method: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  address: string;
  client: string;
  revoked_at: number | null;
  revoked_reason: string;
}

const MAX_TEXT = 200;

/** The sign-in session methods of the store; `settings` gives the lifetimes in force. */
export function createUserSessions(ctx: StoreContext, settings: () => SecuritySettings) {
  const { db } = ctx;
  const toSession = (r: SessionRow, s: SecuritySettings): UserSession => ({
    id: r.id,
    userId: r.user_id,
    method: r.method as SessionMethod,
    ...(r.method === "enrol-2fa" && { limitedTo: "enrol-2fa" as const }),
    createdAt: new Date(r.created_at),
    lastUsedAt: new Date(r.last_used_at),
    expiresAt: new Date(Math.min(r.expires_at, r.created_at + s.sessionHours * 3600_000)),
    idleExpiresAt: new Date(r.last_used_at + s.sessionIdleMinutes * 60_000),
    address: r.address,
    client: r.client,
    revokedAt: optDate(r.revoked_at),
    revokedReason: r.revoked_reason,
  });
  /** Why a session is over at `now` ("" while it is live). */
  const endOf = (x: UserSession, now: number): string =>
    x.revokedAt ? "revoked" : now >= x.expiresAt.getTime() ? "expired" : now >= x.idleExpiresAt.getTime() ? "idle" : "";
  const revoke = (id: string, reason: string) =>
    db.run("UPDATE user_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL", [ctx.now().getTime(), reason.slice(0, MAX_TEXT), id]);
  const byId = (id: string) => db.query<SessionRow, [string]>("SELECT * FROM user_sessions WHERE id = ?").get(id);

  return {
    /**
     * Opens a session for a user who has just proved who they are (the caller checked
     * that); returns it with its token, which is shown once and never kept.
     */
    createSession(n: NewUserSession): { session: UserSession; token: string } {
      const method = n.limitedTo ?? n.method;
      if (!METHODS.includes(method)) throw new StoreError("invalid-argument", `unknown sign-in method "${method}"; use one of ${METHODS.join(", ")}`);
      if (n.lifetimeMs !== undefined && !(n.lifetimeMs > 0)) throw new StoreError("invalid-argument", "a session lifetime must be positive");
      const s = settings();
      return ctx.write(() => {
        const user = db.query<{ disabled_at: number | null }, [string]>("SELECT disabled_at FROM users WHERE id = ?").get(n.userId);
        if (!user) throw new StoreError("not-found", `unknown user "${n.userId}"`);
        if (user.disabled_at !== null) throw new StoreError("failed-precondition", `user "${n.userId}" is disabled; enable the account first`);
        const token = SESSION_TOKEN_PREFIX + newSecret();
        const now = ctx.now().getTime();
        const lifetime = Math.min(s.sessionHours * 3600_000, n.lifetimeMs ?? Infinity);
        const row: SessionRow = {
          id: newId("ses"),
          user_id: n.userId,
          method,
          created_at: now,
          last_used_at: now,
          expires_at: now + lifetime,
          address: n.address.slice(0, MAX_TEXT),
          client: n.client.slice(0, MAX_TEXT),
          revoked_at: null,
          revoked_reason: "",
        };
        db.run(
          "INSERT INTO user_sessions (id, user_id, token_hash, method, created_at, last_used_at, expires_at, address, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          [row.id, row.user_id, hashSecret(token), method, now, now, row.expires_at, row.address, row.client],
        );
        return { session: toSession(row, s), token };
      });
    },

    /**
     * The session a token opens and its user; undefined for an unknown, revoked,
     * expired or idle session, or a disabled user. Records the use (time, address)
     * unless one was recorded less than a minute ago.
     */
    authenticateSession(token: string, address: string): { session: UserSession; userId: string } | undefined {
      if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
      const hash = hashSecret(token);
      const s = settings();
      const found = ctx.read(() =>
        db
          .query<SessionRow & { disabled_at: number | null }, [Uint8Array]>(
            "SELECT s.*, u.disabled_at FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
          )
          .get(hash),
      );
      if (!found || found.disabled_at !== null) return undefined;
      const now = ctx.now().getTime();
      const session = toSession(found, s);
      const end = endOf(session, now);
      if (end) {
        if (end !== "revoked") ctx.write(() => revoke(session.id, end));
        return undefined;
      }
      if (now - found.last_used_at < TOUCH_EVERY_MS) return { session, userId: found.user_id };
      const addr = address.slice(0, MAX_TEXT);
      ctx.write(() => db.run("UPDATE user_sessions SET last_used_at = ?, address = ? WHERE id = ? AND revoked_at IS NULL", [now, addr, session.id]));
      return { session: toSession({ ...found, last_used_at: now, address: addr }, s), userId: found.user_id };
    },

    /** The user's live sessions (neither revoked nor expired nor idle), most recently used first; ended ones found are marked. */
    listSessions(userId: string): UserSession[] {
      const s = settings();
      const now = ctx.now().getTime();
      const all = ctx.read(() =>
        db
          .query<SessionRow, [string]>("SELECT * FROM user_sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY last_used_at DESC, created_at DESC")
          .all(userId)
          .map((r) => toSession(r, s)),
      );
      const ended = all.filter((x) => endOf(x, now));
      if (ended.length > 0) ctx.write(() => ended.forEach((x) => revoke(x.id, endOf(x, now))));
      return all.filter((x) => !endOf(x, now));
    },

    /**
     * Revokes one session (the first revocation's reason stands) and returns it as it
     * now is; undefined when there is no such session, or it is not `by.userId`'s.
     */
    revokeSession(id: string, reason: string, by: RevokeBy): UserSession | undefined {
      return ctx.write(() => {
        const r = byId(id);
        if (!r || ("userId" in by && r.user_id !== by.userId)) return undefined;
        revoke(id, reason);
        return toSession(byId(id)!, settings());
      });
    },

    /**
     * Revokes every session of the user (but `exceptId`, the caller's own, if given):
     * on sign-out everywhere, a password change, a lock or a disable. Returns how many
     * were live; expired ones are marked too, so no later settings change revives them.
     */
    revokeAllSessions(userId: string, reason: string, exceptId?: string): number {
      return ctx.write(() => {
        const s = settings();
        const now = ctx.now().getTime();
        const rows = db.query<SessionRow, [string, string]>("SELECT * FROM user_sessions WHERE user_id = ? AND revoked_at IS NULL AND id <> ?").all(userId, exceptId ?? "");
        for (const r of rows) revoke(r.id, reason);
        return rows.filter((r) => !endOf(toSession(r, s), now)).length;
      });
    },
  };
}

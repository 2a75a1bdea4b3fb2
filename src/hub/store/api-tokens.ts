/**
 * API tokens: what an integration (a billing system, a PSA/RMM tool) sends
 * instead of signing in. Each belongs to a user and acts with that user's
 * grants narrowed to its scope (src/hub/access decides that); each must
 * expire, at most a year ahead, so a forgotten token does not live forever.
 * Only a SHA-256 of the secret is kept; the secret is shown once.
 */
import { hashSecret, newId, newSecret } from "./ids.ts";
import { type StoreContext, optDate } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import { type RevokeBy, TOUCH_EVERY_MS } from "./user-sessions.ts";

/**
 * What a token may reach: meters (read-only), tasks (meters and tasks), relay (agents' SSH keys
 * for sshd), broker (mosquitto's password file and ACL), metrics (the hub's Prometheus metrics),
 * full (all its user may).
 */
export type ApiTokenScope = "meters" | "tasks" | "relay" | "broker" | "metrics" | "full";

/** The scopes, narrowest first. */
export const API_TOKEN_SCOPES: readonly ApiTokenScope[] = ["meters", "tasks", "relay", "broker", "metrics", "full"];

/** Every token secret starts with this, so a leaked one is recognisable (secret scanners). */
export const API_TOKEN_PREFIX = "dcat_";

/** The furthest ahead a token may expire. */
export const MAX_API_TOKEN_LIFETIME_MS = 365 * 24 * 3600_000;

const MAX_NAME = 64;

/** An API token as the store hands it out (never its secret nor its hash). */
export interface ApiToken {
  id: string;
  userId: string;
  /** What it is for ("billing export"), as its user named it. */
  name: string;
  scope: ApiTokenScope;
  createdAt: Date;
  expiresAt: Date;
  /** The last recorded use (recorded at most once a minute) and where from. */
  lastUsedAt?: Date;
  lastAddress: string;
  revokedAt?: Date;
}

/** What `createApiToken` takes. */
export interface NewApiToken {
  userId: string;
  name: string;
  scope: ApiTokenScope;
  /** Required: in the future, at most 365 days ahead. */
  expiresAt: Date;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  scope: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  last_address: string;
  revoked_at: number | null;
}

// Never SELECT *: the hash stays in the database.
const COLUMNS = "t.id, t.user_id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, t.last_address, t.revoked_at";

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  scope: r.scope as ApiTokenScope,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  lastUsedAt: optDate(r.last_used_at),
  lastAddress: r.last_address,
  revokedAt: optDate(r.revoked_at),
});

function checkNew(t: NewApiToken, now: number): string {
  const name = t.name.trim();
  if (name.length < 1 || name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new StoreError("invalid-argument", `a token name must be 1 to ${MAX_NAME} characters without control characters; name it after what uses it`);
  }
  if (!API_TOKEN_SCOPES.includes(t.scope)) throw new StoreError("invalid-argument", `unknown token scope "${t.scope}"; use one of ${API_TOKEN_SCOPES.join(", ")}`);
  const at = t.expiresAt instanceof Date ? t.expiresAt.getTime() : NaN;
  if (!Number.isFinite(at)) throw new StoreError("invalid-argument", "a token needs an expiry date; give one at most 365 days ahead");
  if (at <= now) throw new StoreError("invalid-argument", "a token's expiry must be in the future; give a date at most 365 days ahead");
  if (at > now + MAX_API_TOKEN_LIFETIME_MS) throw new StoreError("invalid-argument", "a token may expire at most 365 days ahead; give an earlier date and make a new token then");
  return name;
}

/** The API token methods of the store. */
export function createApiTokens(ctx: StoreContext) {
  const { db } = ctx;
  const byId = (id: string) => db.query<TokenRow, [string]>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.id = ?`).get(id);
  return {
    /** Makes a token for a user; returns it with its secret, which is shown once and never kept. */
    createApiToken(t: NewApiToken): { token: ApiToken; secret: string } {
      return ctx.write(() => {
        const now = ctx.now().getTime();
        const name = checkNew(t, now);
        const user = db.query<{ disabled_at: number | null }, [string]>("SELECT disabled_at FROM users WHERE id = ?").get(t.userId);
        if (!user) throw new StoreError("not-found", `unknown user "${t.userId}"`);
        if (user.disabled_at !== null) throw new StoreError("failed-precondition", `user "${t.userId}" is disabled; enable the account first`);
        const secret = API_TOKEN_PREFIX + newSecret();
        const id = newId("tok");
        db.run("INSERT INTO api_tokens (id, user_id, name, scope, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
          id,
          t.userId,
          name,
          t.scope,
          hashSecret(secret),
          now,
          t.expiresAt.getTime(),
        ]);
        return { token: toToken(byId(id)!), secret };
      });
    },

    /**
     * The token a secret names; undefined for an unknown, revoked or expired token, or
     * a disabled user. Records the use (time, address) unless one was recorded less
     * than a minute ago.
     */
    authenticateApiToken(secret: string, address: string): ApiToken | undefined {
      if (!secret.startsWith(API_TOKEN_PREFIX)) return undefined;
      const hash = hashSecret(secret);
      const r = ctx.read(() =>
        db
          .query<TokenRow & { disabled_at: number | null }, [Uint8Array]>(`SELECT ${COLUMNS}, u.disabled_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`)
          .get(hash),
      );
      const now = ctx.now().getTime();
      if (!r || r.disabled_at !== null || r.revoked_at !== null || now >= r.expires_at) return undefined;
      if (r.last_used_at !== null && now - r.last_used_at < TOUCH_EVERY_MS) return toToken(r);
      const addr = address.slice(0, 200);
      ctx.write(() => db.run("UPDATE api_tokens SET last_used_at = ?, last_address = ? WHERE id = ?", [now, addr, r.id]));
      return toToken({ ...r, last_used_at: now, last_address: addr });
    },

    /** Tokens (of one user if given), newest first; `active` leaves out revoked and expired ones. */
    listApiTokens(opts: { userId?: string; active?: boolean } = {}): ApiToken[] {
      const now = ctx.now().getTime();
      return ctx.read(() =>
        db
          .query<TokenRow, [string | null]>(`SELECT ${COLUMNS} FROM api_tokens t WHERE (?1 IS NULL OR t.user_id = ?1) ORDER BY t.created_at DESC, t.id`)
          .all(opts.userId ?? null)
          .filter((r) => !opts.active || (r.revoked_at === null && now < r.expires_at))
          .map(toToken),
      );
    },

    /** Revokes a token (the first revocation's time stands); undefined when there is none, or it is not `by.userId`'s. */
    revokeApiToken(id: string, by: RevokeBy): ApiToken | undefined {
      return ctx.write(() => {
        const r = byId(id);
        if (!r || ("userId" in by && r.user_id !== by.userId)) return undefined;
        db.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [ctx.now().getTime(), id]);
        return toToken(byId(id)!);
      });
    },
  };
}

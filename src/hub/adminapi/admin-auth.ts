/**
 * Who a bearer credential belongs to: a sign-in session ("dcas_...") or an
 * API token ("dcat_..."), its user (enabled) and their grants, as a Caller.
 */
import { type Caller, createCaller, isTokenScope } from "../access/index.ts";
import type { ApiTokenStore, RoleGrantStore, UserSessionStore } from "../store/index.ts";
import type { AdminAuth } from "./admin-door.ts";

/** The user fields the door needs. */
export interface AuthUser {
  id: string;
  username: string;
  disabled: boolean;
}

export interface AdminAuthStore extends Pick<UserSessionStore, "authenticateSession">, Pick<ApiTokenStore, "authenticateApiToken">, Pick<RoleGrantStore, "listGrants" | "sitesOfGroups"> {
  /** The user by id (undefined when deleted). */
  authUser(id: string): AuthUser | undefined;
}

/** Longest bearer accepted (tokens are ~48 characters). */
const MAX_BEARER = 200;

/** The AdminAuth over the store. */
export function createAdminAuth(store: AdminAuthStore): AdminAuth {
  const callerOf = (userId: string, via: Caller["via"], credentialId: string, address: string, more: Partial<Caller> = {}): Caller | undefined => {
    const user = store.authUser(userId);
    if (!user || user.disabled) return undefined;
    return createCaller({
      userId: user.id,
      username: user.username,
      via,
      credentialId,
      address,
      grants: store.listGrants(user.id),
      sitesOfGroups: (ids) => store.sitesOfGroups(ids),
      scope: more.scope,
      enrolOnly: more.enrolOnly,
    });
  };
  return {
    authenticate(authorization, address) {
      const m = /^Bearer (\S+)$/.exec(authorization ?? "");
      if (!m || m[1]!.length > MAX_BEARER) return undefined;
      const bearer = m[1]!;
      if (bearer.startsWith("dcas_")) {
        const s = store.authenticateSession(bearer, address);
        return s ? callerOf(s.userId, "session", s.session.id, address, { enrolOnly: s.session.method === "enrol-2fa" }) : undefined;
      }
      if (bearer.startsWith("dcat_")) {
        const t = store.authenticateApiToken(bearer, address);
        return t && isTokenScope(t.scope) ? callerOf(t.userId, "token", t.id, address, { scope: t.scope }) : undefined;
      }
      return undefined;
    },
  };
}

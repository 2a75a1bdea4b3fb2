/**
 * AdminService: API tokens for integrations (billing systems, PSA/RMM
 * tools). A signed-in person makes tokens for themselves, confirmed like
 * every change to their own security; each has a scope (meters, tasks or
 * full: src/hub/access narrows the user's grants to it) and an expiry of at
 * most 365 days. The secret is in the answer once and never again. People
 * list and revoke their own; user.read lists everyone's and user.write
 * revokes anyone's. A token itself cannot make, list or revoke tokens (the
 * method rules refuse it).
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { permissionDenied } from "../access/index.ts";
import { API_TOKEN_SCOPES, type ApiTokenScope, MAX_API_TOKEN_LIFETIME_MS, StoreError } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { apiTokenToProto } from "./account-to-proto.ts";
import { type HubSignIn, noteDetail, withAuditReasons } from "./hub-sign-in.ts";

const MAX_TTL_S = MAX_API_TOKEN_LIFETIME_MS / 1000;

/** The API token methods. */
export function createTokenHandlers(hub: HubSignIn): Pick<ServiceImpl<typeof AdminService>, "createApiToken" | "listApiTokens" | "revokeApiToken"> {
  const { store } = hub;
  const usernameOf = (cache: Map<string, string>, id: string) => {
    if (!cache.has(id)) cache.set(id, store.getUser(id)?.username ?? "");
    return cache.get(id)!;
  };
  return withAuditReasons({
    async createApiToken(req, ctx) {
      const c = callerOf(ctx);
      // Checked before the confirmation, so a refused request does not use up a one-time code.
      if (!API_TOKEN_SCOPES.includes(req.scope as ApiTokenScope)) {
        throw new DcaError("invalid-argument", `a token's scope must be one of ${API_TOKEN_SCOPES.join(", ")}; got "${req.scope}"`);
      }
      const ttl = Number(req.ttlSeconds);
      if (ttl <= 0 || ttl > MAX_TTL_S) throw new DcaError("invalid-argument", "say how long the token lasts: more than 0 and at most 365 days");
      const name = req.name.trim();
      if (name.length < 1 || name.length > 64) throw new DcaError("invalid-argument", "name the token after what uses it (1 to 64 characters)");
      const confirmedBy = await hub.confirm.caller(c, req.confirm);
      const { token, secret } = store.createApiToken({ userId: c.userId, name, scope: req.scope as ApiTokenScope, expiresAt: new Date(hub.clock.now() + ttl * 1000) });
      note(ctx, { target: `token ${token.id}` });
      noteDetail(ctx, { name: token.name, scope: token.scope, expiresAt: token.expiresAt.toISOString(), confirmedBy });
      return { token: apiTokenToProto(token, c.username), secret };
    },

    listApiTokens(req, ctx) {
      const c = callerOf(ctx);
      if (req.allUsers && !c.hasGlobal("user.read")) throw permissionDenied(c.username, "user.read");
      const tokens = store.listApiTokens({ userId: req.allUsers ? undefined : c.userId, active: !req.includeEnded });
      const names = new Map([[c.userId, c.username]]);
      return { tokens: tokens.map((t) => apiTokenToProto(t, usernameOf(names, t.userId))) };
    },

    revokeApiToken(req, ctx) {
      const c = callerOf(ctx);
      // One's own first; anyone's only with user.write. A token that is neither gets "not found", so ids of others' tokens stay unconfirmed.
      const token =
        store.revokeApiToken(req.tokenId, { userId: c.userId }) ?? (c.hasGlobal("user.write") ? store.revokeApiToken(req.tokenId, { admin: true }) : undefined);
      if (!token) throw new StoreError("not-found", `you have no API token "${req.tokenId}"; see the token list`);
      note(ctx, { target: `token ${token.id}` });
      if (token.userId !== c.userId) noteDetail(ctx, { ownerUserId: token.userId });
      return { token: apiTokenToProto(token, usernameOf(new Map(), token.userId)) };
    },
  });
}

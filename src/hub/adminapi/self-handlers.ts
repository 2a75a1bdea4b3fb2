/**
 * AdminService: one's own account. Signing out, who am I, one's sessions,
 * the password and the second factor. Every change to one's own security
 * is confirmed (confirm-identity.ts) and revokes what it must: a new
 * password, TOTP turned on or off end every other session (they were opened
 * under the old rules); an enrolment-only session that completes TOTP is
 * swapped for a full one.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { checkPasswordPolicy, hashPassword } from "../accounts/index.ts";
import { StoreError, type User } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { sessionToProto } from "./account-to-proto.ts";
import { NO_PROOF, proofOf } from "./confirm-identity.ts";
import { type HubSignIn, noteDetail, withAuditReasons } from "./hub-sign-in.ts";
import { ts } from "./to-proto.ts";

type SelfMethods =
  | "signOut"
  | "whoAmI"
  | "listMySessions"
  | "revokeMySessions"
  | "changePassword"
  | "beginTotpEnrolment"
  | "confirmTotpEnrolment"
  | "disableTotp"
  | "newRecoveryCodes";

const PROVIDER: Record<string, string> = { ldap: "the directory (LDAP)", oidc: "the single sign-on provider" };

/** The own-account methods. */
export function createSelfHandlers(hub: HubSignIn): Pick<ServiceImpl<typeof AdminService>, SelfMethods> {
  const { store } = hub;
  const me = (userId: string): User => {
    const u = store.getUser(userId);
    if (!u) throw new StoreError("not-found", `unknown user "${userId}"`);
    return u;
  };
  const proofFor = (req: { confirm?: Parameters<typeof proofOf>[0] }) => {
    const p = proofOf(req.confirm);
    if (!p) throw new DcaError("unauthenticated", NO_PROOF, { reason: "no-proof" });
    return p;
  };
  const noTotpForOidc = (u: User) => {
    if (u.source === "oidc") {
      throw new DcaError("failed-precondition", "this account signs in through the single sign-on provider: its two-factor sign-in is set up there, not at the hub");
    }
  };
  const revokeOthers = (userId: string, reason: string, keep: string) => store.revokeAllSessions(userId, reason, keep);

  return withAuditReasons({
    signOut(_req, ctx) {
      const c = callerOf(ctx);
      store.revokeSession(c.credentialId, "signed out", { userId: c.userId });
      note(ctx, { target: `session ${c.credentialId}` });
      return {};
    },

    whoAmI(_req, ctx) {
      const c = callerOf(ctx);
      const session = c.via === "session" ? store.listSessions(c.userId).find((s) => s.id === c.credentialId) : undefined;
      const token = c.via === "token" ? store.listApiTokens({ userId: c.userId }).find((t) => t.id === c.credentialId) : undefined;
      const end = session ? (session.expiresAt < session.idleExpiresAt ? session.expiresAt : session.idleExpiresAt) : token?.expiresAt;
      return { user: hub.userMessage(me(c.userId)), via: c.via, credentialId: c.credentialId, scope: c.scope ?? "", expiresAt: ts(end), enrolOnly: c.enrolOnly };
    },

    listMySessions(_req, ctx) {
      const c = callerOf(ctx);
      return { sessions: store.listSessions(c.userId).map((s) => sessionToProto(s, c.credentialId)) };
    },

    revokeMySessions(req, ctx) {
      const c = callerOf(ctx);
      if (req.sessionId && req.allOthers) throw new DcaError("usage", "give one session id, or all others, not both");
      if (req.allOthers) {
        const revoked = revokeOthers(c.userId, "revoked by its user", c.credentialId);
        noteDetail(ctx, { allOthers: true, revoked });
        return { revoked };
      }
      if (!req.sessionId) throw new DcaError("usage", "which session? give its id (see the session list), or all others");
      const s = store.revokeSession(req.sessionId, "revoked by its user", { userId: c.userId });
      if (!s) throw new StoreError("not-found", `you have no session "${req.sessionId}"; see the session list`);
      note(ctx, { target: `session ${s.id}` });
      return { revoked: 1 };
    },

    async changePassword(req, ctx) {
      const c = callerOf(ctx);
      const u = me(c.userId);
      if (u.source !== "local") throw new DcaError("failed-precondition", `this account's password is kept by ${PROVIDER[u.source] ?? u.source}; change it there`);
      // The policy first: a refused new password must not use up a one-time code.
      await checkPasswordPolicy(req.newPassword, u.username);
      const confirmedBy = await hub.confirm.caller(c, req.confirm);
      store.setPasswordHash(u.id, await hashPassword(req.newPassword));
      const sessionsRevoked = revokeOthers(u.id, "password changed", c.credentialId);
      note(ctx, { target: `user ${u.username}` });
      noteDetail(ctx, { confirmedBy, sessionsRevoked });
      return { sessionsRevoked };
    },

    async beginTotpEnrolment(req, ctx) {
      const c = callerOf(ctx);
      noTotpForOidc(me(c.userId));
      const e = await hub.totp.beginTotpEnrolment(c.userId, proofFor(req));
      note(ctx, { target: `user ${c.username}` });
      return { uri: e.uri, secret: e.secret, qrText: e.qrTerminal, qrSvg: e.qrSvg };
    },

    confirmTotpEnrolment(req, ctx) {
      const c = callerOf(ctx);
      noTotpForOidc(me(c.userId));
      const { recoveryCodes } = hub.totp.confirmTotpEnrolment(c.userId, req.code);
      note(ctx, { target: `user ${c.username}` });
      if (!c.enrolOnly) {
        const sessionsRevoked = revokeOthers(c.userId, "two-factor sign-in turned on", c.credentialId);
        noteDetail(ctx, { sessionsRevoked });
        return { recoveryCodes, sessionsRevoked };
      }
      // The enrolment-only session has done its job: a full one replaces it (password and the code just shown).
      const old = store.listSessions(c.userId).find((s) => s.id === c.credentialId);
      store.revokeSession(c.credentialId, "two-factor sign-in turned on", { userId: c.userId });
      const opened = store.createSession({ userId: c.userId, method: "password+totp", address: c.address, client: old?.client ?? "" });
      const sessionsRevoked = revokeOthers(c.userId, "two-factor sign-in turned on", opened.session.id);
      noteDetail(ctx, { sessionsRevoked, upgradedTo: opened.session.id });
      return { recoveryCodes, sessionUpgraded: true, sessionToken: opened.token, expiresAt: ts(opened.session.expiresAt), sessionsRevoked };
    },

    async disableTotp(req, ctx) {
      const c = callerOf(ctx);
      const u = me(c.userId);
      noTotpForOidc(u);
      if (hub.settings().require2fa) {
        throw new DcaError("failed-precondition", "this hub requires two-factor sign-in, so it cannot be turned off; for a new phone, ask an admin to reset your 2FA, then enrol again");
      }
      await hub.totp.disableTotp(c.userId, proofFor(req));
      const sessionsRevoked = revokeOthers(c.userId, "two-factor sign-in turned off", c.credentialId);
      note(ctx, { target: `user ${u.username}` });
      noteDetail(ctx, { sessionsRevoked });
      return { sessionsRevoked };
    },

    async newRecoveryCodes(req, ctx) {
      const c = callerOf(ctx);
      const recoveryCodes = await hub.totp.regenerateRecoveryCodes(c.userId, proofFor(req));
      note(ctx, { target: `user ${c.username}` });
      noteDetail(ctx, { count: recoveryCodes.length });
      return { recoveryCodes };
    },
  });
}

/**
 * AdminService: the people at the hub (the `user` commands). An admin
 * creates local users and disables, unlocks or resets them; the owner rules
 * (owner-rules.ts) keep owners' accounts for owners and always leave one
 * enabled owner. Disabling a user or resetting their password ends their
 * sessions at once (and disabling their API tokens too), so the change holds
 * for whoever was using them. Passwords never reach the audit record.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { createUserAccounts } from "../accounts/index.ts";
import type { ApiTokenStore, User, UserSessionStore } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { type PeopleStore, createOwnerRules, userNamed } from "./owner-rules.ts";
import { sessionToProto, userToProto } from "./people-to-proto.ts";

type PeopleMethods =
  | "createUser"
  | "listUsers"
  | "getUser"
  | "setUserDisabled"
  | "unlockUser"
  | "resetUserPassword"
  | "resetUserTotp"
  | "revokeUserSessions";

/** What the user methods need. */
export interface PeopleDeps {
  store: PeopleStore & UserSessionStore & ApiTokenStore;
  clock: Pick<Clock, "now">;
}

/** The user methods over the store. */
export function createPeopleHandlers({ store, clock }: PeopleDeps): Pick<ServiceImpl<typeof AdminService>, PeopleMethods> {
  const accounts = createUserAccounts({ store, clock: { now: () => clock.now(), monotonic: () => performance.now() } });
  const owners = createOwnerRules(store);
  const toProto = (u: User) => userToProto(u, { grants: store.listGrants(u.id), recoveryCodesLeft: store.recoveryCodesLeft(u.id), now: clock.now() });
  /** The user the request names, noted as the call's target. */
  const target = (ctx: HandlerContext, idOrName: string): User => {
    const u = userNamed(store, idOrName);
    note(ctx, { target: `user ${u.username}` });
    return u;
  };
  const notSelf = (ctx: HandlerContext, u: User, refusal: string) => {
    if (callerOf(ctx).userId === u.id) throw new DcaError("failed-precondition", refusal);
  };
  /** Revokes every session of the user but the caller's own. */
  const endSessions = (ctx: HandlerContext, u: User, reason: string): number => {
    const caller = callerOf(ctx);
    return store.revokeAllSessions(u.id, reason, caller.userId === u.id && caller.via === "session" ? caller.credentialId : undefined);
  };

  return {
    async createUser(req, ctx) {
      const caller = callerOf(ctx);
      if (!req.password) throw new DcaError("invalid-argument", "a new user needs a first password (the policy applies: at least 12 characters)");
      note(ctx, { target: `user ${req.username}` });
      const u = await accounts.createLocalUser({ username: req.username, displayName: req.displayName, email: req.email, password: req.password, createdBy: caller.username });
      note(ctx, { detail: { userId: u.id } });
      return { user: toProto(u) };
    },

    listUsers() {
      return { users: store.listUsers().map(toProto) };
    },

    getUser(req, ctx) {
      const u = userNamed(store, req.user);
      const current = callerOf(ctx).credentialId;
      return { user: toProto(u), sessions: store.listSessions(u.id).map((s) => sessionToProto(s, current)) };
    },

    setUserDisabled(req, ctx) {
      const u = target(ctx, req.user);
      owners.requireOwnerToActOn(ctx, u, req.disabled ? "disable" : "enable");
      if (!req.disabled) {
        note(ctx, { detail: { disabled: false } });
        return { user: toProto(accounts.enableUser(u.id)), sessionsRevoked: 0, tokensRevoked: 0 };
      }
      notSelf(ctx, u, "refused: you cannot disable your own account; ask another admin");
      // No await from here to the change: the last-owner check and the change happen in one turn.
      owners.keepAnOwner(u.id, "disable");
      const disabled = accounts.disableUser(u.id, `disabled by ${callerOf(ctx).username}`);
      const sessionsRevoked = store.revokeAllSessions(u.id, "account disabled");
      const tokens = store.listApiTokens({ userId: u.id, active: true });
      for (const t of tokens) store.revokeApiToken(t.id, { admin: true });
      note(ctx, { detail: { disabled: true, sessionsRevoked, tokensRevoked: tokens.length } });
      return { user: toProto(disabled), sessionsRevoked, tokensRevoked: tokens.length };
    },

    unlockUser(req, ctx) {
      const u = target(ctx, req.user);
      owners.requireOwnerToActOn(ctx, u, "unlock");
      return { user: toProto(accounts.unlockUser(u.id)) };
    },

    async resetUserPassword(req, ctx) {
      const u = target(ctx, req.user);
      owners.requireOwnerToActOn(ctx, u, "reset the password of");
      notSelf(ctx, u, "refused: change your own password as yourself (dca-hub account commands), which asks for the current one");
      if (u.source !== "local") throw new DcaError("failed-precondition", `${u.username} signs in through ${u.source}: their password is the identity provider's to reset`);
      if (!req.newPassword) throw new DcaError("invalid-argument", "give the new password");
      await accounts.resetPassword(u.id, req.newPassword);
      const sessionsRevoked = endSessions(ctx, u, "password reset by an admin");
      note(ctx, { detail: { sessionsRevoked } });
      return { sessionsRevoked };
    },

    resetUserTotp(req, ctx) {
      const u = target(ctx, req.user);
      owners.requireOwnerToActOn(ctx, u, "reset the two-factor sign-in of");
      notSelf(ctx, u, "refused: change your own two-factor sign-in as yourself (dca-hub account commands), which asks for your password");
      if (u.totpEnabledAt === undefined) throw new DcaError("failed-precondition", `${u.username} has no two-factor sign-in to reset`);
      return { user: toProto(store.clearTotp(u.id)) };
    },

    revokeUserSessions(req, ctx) {
      const u = target(ctx, req.user);
      owners.requireOwnerToActOn(ctx, u, "end the sessions of");
      const revoked = endSessions(ctx, u, `revoked by ${callerOf(ctx).username}`);
      note(ctx, { detail: { revoked } });
      return { revoked };
    },
  };
}

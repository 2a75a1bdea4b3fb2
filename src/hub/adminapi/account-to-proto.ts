/**
 * A person's own account as AdminService messages: the user with their
 * grants, their sessions, their API tokens, and what a sign-in step answers.
 * Never a secret: hashes stay in the store, tokens are shown once by the
 * handler that made them.
 */
import { create } from "@bufbuild/protobuf";
import {
  type ApiToken as ApiTokenMessage,
  ApiTokenSchema,
  type RoleGrant,
  RoleGrantSchema,
  type Session,
  SessionSchema,
  type SignInResult,
  SignInResultSchema,
  type User as UserMessage,
  UserSchema,
} from "../../gen/dca/v1/admin_people_pb.ts";
import { isLocked } from "../accounts/index.ts";
import type { ApiToken, StoredGrant, User, UserSession } from "../store/index.ts";
import { ts } from "./to-proto.ts";

/** A stored grant as a RoleGrant. */
export const grantToProto = (g: StoredGrant): RoleGrant =>
  create(RoleGrantSchema, {
    id: g.id,
    role: g.role,
    siteId: g.siteId ?? "",
    siteName: g.siteName ?? "",
    siteGroupId: g.groupId ?? "",
    siteGroupName: g.groupName ?? "",
    source: g.source,
  });

/** A user as a User message, with their grants and unused recovery codes; `nowMs` decides "locked". */
export function userToProto(u: User, more: { grants: StoredGrant[]; recoveryCodesLeft: number; nowMs: number }): UserMessage {
  const locked = isLocked(u, more.nowMs);
  return create(UserSchema, {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    source: u.source,
    totpEnabled: u.totpEnabledAt !== undefined,
    disabled: u.disabledAt !== undefined,
    disabledReason: u.disabledReason,
    locked,
    lockedUntil: locked ? ts(u.lockedUntil) : undefined,
    lastSignInAt: ts(u.lastSignInAt),
    createdAt: ts(u.createdAt),
    grants: more.grants.map(grantToProto),
    recoveryCodesLeft: more.recoveryCodesLeft,
  });
}

/** A session as a Session message; `currentId` is the session the listing was asked with. */
export const sessionToProto = (s: UserSession, currentId: string): Session =>
  create(SessionSchema, {
    id: s.id,
    method: s.method,
    createdAt: ts(s.createdAt),
    lastUsedAt: ts(s.lastUsedAt),
    // The earlier of the absolute end and the idle end: when it stops working if left alone.
    expiresAt: ts(s.expiresAt < s.idleExpiresAt ? s.expiresAt : s.idleExpiresAt),
    address: s.address,
    client: s.client,
    current: s.id === currentId,
  });

/** An API token as an ApiToken message (never its secret). */
export const apiTokenToProto = (t: ApiToken, username: string): ApiTokenMessage =>
  create(ApiTokenSchema, {
    id: t.id,
    name: t.name,
    scope: t.scope,
    userId: t.userId,
    username,
    createdAt: ts(t.createdAt),
    expiresAt: ts(t.expiresAt),
    lastUsedAt: ts(t.lastUsedAt),
    lastAddress: t.lastAddress,
    revoked: t.revokedAt !== undefined,
  });

/** What a sign-in step answers when it opened a session. */
export const sessionResult = (opened: { session: UserSession; token: string }, user: UserMessage): SignInResult =>
  create(SignInResultSchema, {
    sessionToken: opened.token,
    sessionId: opened.session.id,
    expiresAt: ts(opened.session.expiresAt),
    enrolRequired: opened.session.limitedTo === "enrol-2fa",
    user,
  });

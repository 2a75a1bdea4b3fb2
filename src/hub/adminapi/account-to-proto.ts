/**
 * A person's own account as AdminService messages: their API tokens and what
 * a sign-in step answers (the user, grants and sessions are people-to-proto.ts's).
 * Never a secret: hashes stay in the store, tokens are shown once by the
 * handler that made them.
 */
import { create } from "@bufbuild/protobuf";
import { type ApiToken as ApiTokenMessage, ApiTokenSchema, type SignInResult, SignInResultSchema, type User as UserMessage } from "../../gen/dca/v1/admin_people_pb.ts";
import type { ApiToken, UserSession } from "../store/index.ts";
import { ts } from "./to-proto.ts";

export { grantToProto, sessionToProto, userToProto } from "./people-to-proto.ts";

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

/**
 * People, grants, sessions, site groups, security settings and audit records
 * as AdminService messages. The CLI turns them back (src/hub/admin/people-from-proto.ts).
 */
import { create } from "@bufbuild/protobuf";
import {
  type AuditRecord as AuditRecordMessage,
  AuditRecordSchema,
  type RoleGrant,
  RoleGrantSchema,
  type SecuritySettings as SecuritySettingsMessage,
  SecuritySettingsSchema,
  type Session,
  SessionSchema,
  type SiteGroup,
  SiteGroupSchema,
  type User as UserMessage,
  UserSchema,
} from "../../gen/dca/v1/admin_people_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { isLocked } from "../accounts/index.ts";
import type { AuditRecord, SecuritySettings, StoredGrant, StoredSiteGroup, User, UserSession } from "../store/index.ts";
import { ts } from "./to-proto.ts";

/** A grant; `username` names whose it is. */
export const grantToProto = (g: StoredGrant, username = ""): RoleGrant =>
  create(RoleGrantSchema, {
    id: g.id,
    role: g.role,
    siteId: g.siteId ?? "",
    siteName: g.siteName ?? "",
    siteGroupId: g.groupId ?? "",
    siteGroupName: g.groupName ?? "",
    source: g.source,
    userId: g.userId,
    username,
    createdAt: ts(g.createdAt),
  });

/** What a User message says besides the user row. */
export interface UserExtras {
  grants: readonly StoredGrant[];
  recoveryCodesLeft: number;
  /** Now (ms), to tell a lock that has run out from one in force. */
  now: number;
}

/** A user with their grants; no secret is in a User. */
export function userToProto(u: User, x: UserExtras): UserMessage {
  const locked = isLocked(u, x.now);
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
    grants: x.grants.map((g) => grantToProto(g, u.username)),
    recoveryCodesLeft: x.recoveryCodesLeft,
    disabledAt: ts(u.disabledAt),
    failedSignIns: u.failedSignIns,
    passwordChangedAt: ts(u.passwordChangedAt),
    createdBy: u.createdBy,
    hasPassword: u.hasPassword,
  });
}

/** A sign-in session (never its token); `currentId` is the caller's own. */
export const sessionToProto = (s: UserSession, currentId: string): Session =>
  create(SessionSchema, {
    id: s.id,
    method: s.method,
    createdAt: ts(s.createdAt),
    lastUsedAt: ts(s.lastUsedAt),
    expiresAt: ts(s.expiresAt),
    address: s.address,
    client: s.client,
    current: s.id === currentId,
  });

/** A site group with its sites. */
export const siteGroupToProto = (g: StoredSiteGroup): SiteGroup =>
  create(SiteGroupSchema, { id: g.id, name: g.name, siteIds: g.sites.map((s) => s.id), siteNames: g.sites.map((s) => s.name) });

/** The security settings. */
export const securityToProto = (s: SecuritySettings): SecuritySettingsMessage =>
  create(SecuritySettingsSchema, {
    require2fa: s.require2fa,
    lockoutAttempts: s.lockoutAttempts,
    lockoutMinutes: s.lockoutMinutes,
    inactivityDays: s.inactivityDays,
    sessionHours: s.sessionHours,
    sessionIdleMinutes: s.sessionIdleMinutes,
    auditRetentionDays: s.auditRetentionDays,
  });

/** The proto field names of the security settings (SetSecuritySettingsRequest.fields) and the store's names. */
export const SECURITY_FIELDS: Readonly<Record<string, keyof SecuritySettings>> = {
  require_2fa: "require2fa",
  lockout_attempts: "lockoutAttempts",
  lockout_minutes: "lockoutMinutes",
  inactivity_days: "inactivityDays",
  session_hours: "sessionHours",
  session_idle_minutes: "sessionIdleMinutes",
  audit_retention_days: "auditRetentionDays",
};

/** The change a SetSecuritySettings request asks for: the fields named, from `settings`. */
export function securityChange(settings: SecuritySettingsMessage | undefined, fields: readonly string[]): Partial<SecuritySettings> {
  if (fields.length === 0) throw new DcaError("usage", "say what to change: give at least one setting");
  const from = settings ?? create(SecuritySettingsSchema);
  const change: Partial<SecuritySettings> = {};
  for (const f of fields) {
    const name = SECURITY_FIELDS[f];
    if (!name) throw new DcaError("invalid-argument", `unknown security setting "${f}"; the settings are ${Object.keys(SECURITY_FIELDS).join(", ")}`);
    (change as Record<string, unknown>)[name] = from[name];
  }
  return change;
}

/** An audit record; `siteName` is looked up by the caller (records outlive sites). */
export const auditRecordToProto = (r: AuditRecord, siteName: string): AuditRecordMessage =>
  create(AuditRecordSchema, {
    seq: BigInt(r.seq),
    at: ts(r.at),
    actor: r.actor,
    actorUserId: r.actorUserId,
    via: r.via,
    address: r.address,
    action: r.action,
    siteId: r.siteId,
    target: r.target,
    outcome: r.outcome,
    detail: JSON.stringify(r.detail),
    prevHash: r.prevHash,
    hash: r.hash,
    siteName,
  });

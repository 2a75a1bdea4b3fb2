/**
 * People, grants, sessions and audit records from AdminService messages as
 * the plain objects the `user`, `role` and `audit` commands print (--json
 * gives these shapes), and the words their text output uses.
 */
import type { AuditRecord, RoleGrant, Session, User } from "../../gen/dca/v1/admin_people_pb.ts";
import { dateOf } from "./from-proto.ts";
import { formatTime } from "./admin-format.ts";

/** A role grant as the commands print it. */
export interface GrantView {
  id: string;
  userId: string;
  username: string;
  role: string;
  siteId?: string;
  siteName?: string;
  siteGroupId?: string;
  siteGroupName?: string;
  source: string;
  createdAt?: Date;
}

/** A user as the commands print it. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string;
  source: string;
  hasPassword: boolean;
  totpEnabled: boolean;
  recoveryCodesLeft: number;
  disabled: boolean;
  disabledReason: string;
  disabledAt?: Date;
  locked: boolean;
  /** Absent on a locked user: until an admin unlocks. */
  lockedUntil?: Date;
  failedSignIns: number;
  passwordChangedAt?: Date;
  lastSignInAt?: Date;
  createdAt?: Date;
  createdBy: string;
  grants: GrantView[];
}

/** A sign-in session as the commands print it. */
export interface SessionView {
  id: string;
  method: string;
  createdAt?: Date;
  lastUsedAt?: Date;
  expiresAt?: Date;
  address: string;
  client: string;
  current: boolean;
}

/** A RoleGrant message as a GrantView. */
export const grantOf = (g: RoleGrant): GrantView => ({
  id: g.id,
  userId: g.userId,
  username: g.username,
  role: g.role,
  ...(g.siteId && { siteId: g.siteId, siteName: g.siteName }),
  ...(g.siteGroupId && { siteGroupId: g.siteGroupId, siteGroupName: g.siteGroupName }),
  source: g.source,
  createdAt: dateOf(g.createdAt),
});

/** A User message as a UserView (an absent one as an empty view). */
export const userOf = (u: User | undefined): UserView => ({
  id: u?.id ?? "",
  username: u?.username ?? "",
  displayName: u?.displayName ?? "",
  email: u?.email ?? "",
  source: u?.source ?? "",
  hasPassword: u?.hasPassword ?? false,
  totpEnabled: u?.totpEnabled ?? false,
  recoveryCodesLeft: u?.recoveryCodesLeft ?? 0,
  disabled: u?.disabled ?? false,
  disabledReason: u?.disabledReason ?? "",
  disabledAt: dateOf(u?.disabledAt),
  locked: u?.locked ?? false,
  lockedUntil: dateOf(u?.lockedUntil),
  failedSignIns: u?.failedSignIns ?? 0,
  passwordChangedAt: dateOf(u?.passwordChangedAt),
  lastSignInAt: dateOf(u?.lastSignInAt),
  createdAt: dateOf(u?.createdAt),
  createdBy: u?.createdBy ?? "",
  grants: (u?.grants ?? []).map(grantOf),
});

/** A Session message as a SessionView. */
export const sessionOf = (s: Session): SessionView => ({
  id: s.id,
  method: s.method,
  createdAt: dateOf(s.createdAt),
  lastUsedAt: dateOf(s.lastUsedAt),
  expiresAt: dateOf(s.expiresAt),
  address: s.address,
  client: s.client,
  current: s.current,
});

/** An audit record as `audit list --json` prints it (detail parsed). */
export function auditRecordOf(r: AuditRecord) {
  let detail: unknown = {};
  try {
    detail = JSON.parse(r.detail || "{}");
  } catch {
    detail = { _unreadable: r.detail };
  }
  return {
    seq: Number(r.seq),
    at: dateOf(r.at),
    actor: r.actor,
    actorUserId: r.actorUserId,
    via: r.via,
    address: r.address,
    action: r.action,
    siteId: r.siteId,
    siteName: r.siteName,
    target: r.target,
    outcome: r.outcome,
    detail,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/** Where a grant applies: "everywhere", "site Acme", "group North". */
export function grantWhere(g: Pick<GrantView, "siteId" | "siteName" | "siteGroupId" | "siteGroupName">): string {
  if (g.siteId) return `site ${g.siteName || g.siteId}`;
  if (g.siteGroupId) return `group ${g.siteGroupName || g.siteGroupId}`;
  return "everywhere";
}

/** A user's roles in one cell: "owner", "technician on Acme", "viewer on group North". */
export const rolesText = (u: UserView): string =>
  u.grants.map((g) => (g.siteId || g.siteGroupId ? `${g.role} on ${g.siteId ? g.siteName || g.siteId : `group ${g.siteGroupName || g.siteGroupId}`}` : g.role)).join(", ") || "-";

/** A user's state in words: enabled, disabled (why), locked (until when). */
export function statusText(u: UserView): string {
  if (u.disabled) return `disabled${u.disabledReason ? ` (${u.disabledReason})` : ""}`;
  if (u.locked) return u.lockedUntil ? `locked until ${formatTime(u.lockedUntil)}` : "locked until unlocked";
  return "enabled";
}

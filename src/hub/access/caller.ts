/**
 * Who is calling and what they may do where: built once per call from the
 * user's grants (and a token's scope), asked by the door and by handlers.
 */
import { DcaError } from "../../common/errors.ts";
import type { StoredGrant } from "../store/index.ts";
import { GLOBAL_PERMISSIONS, type Permission, ROLE_PERMISSIONS, SCOPE_PERMISSIONS, type TokenScope, isRole } from "./roles.ts";

/** How the caller proved who they are. */
export type CallerVia = "session" | "token" | "admin-local";

export interface Caller {
  userId: string;
  username: string;
  via: CallerVia;
  /** The session's or the token's id. */
  credentialId: string;
  /** A token's scope; undefined for a session. */
  scope?: TokenScope;
  /** A session that may only enrol TOTP (the hub requires 2FA and the user has none). */
  enrolOnly: boolean;
  address: string;
  /** Whether a global grant gives `permission`. */
  hasGlobal(permission: Permission): boolean;
  /** Whether the caller has `permission` on the site. */
  can(permission: Permission, siteId: string): boolean;
  /** The sites where the caller has `permission`: every one ("all", from a global grant) or these. */
  sitesWith(permission: Permission): "all" | ReadonlySet<string>;
  /** Refuses (permission-denied) unless the caller has `permission` on the site; `siteName` is for the message. */
  requireSite(permission: Permission, siteId: string, siteName?: string): void;
  /** Whether the caller is an owner (globally). */
  isOwner: boolean;
}

export interface CallerInput {
  userId: string;
  username: string;
  via: CallerVia;
  credentialId: string;
  scope?: TokenScope;
  enrolOnly?: boolean;
  address: string;
  grants: readonly StoredGrant[];
  /** The sites of the groups named (the store's sitesOfGroups). */
  sitesOfGroups: (groupIds: string[]) => ReadonlySet<string>;
}

/** The Caller of a user with these grants, limited by a token's scope. */
export function createCaller(input: CallerInput): Caller {
  const scope = input.scope ? SCOPE_PERMISSIONS[input.scope] : undefined;
  const allowed = (role: string): Permission[] => (isRole(role) ? [...ROLE_PERMISSIONS[role]].filter((p) => !scope || scope.has(p)) : []);
  const global = new Set<Permission>();
  const perSite = new Map<string, Set<Permission>>();
  const addSite = (siteId: string, perms: Permission[]) => {
    const set = perSite.get(siteId) ?? new Set<Permission>();
    for (const p of perms) if (!GLOBAL_PERMISSIONS.has(p)) set.add(p);
    perSite.set(siteId, set);
  };
  for (const g of input.grants) {
    const perms = allowed(g.role);
    if (g.siteId) addSite(g.siteId, perms);
    else if (g.groupId) for (const s of input.sitesOfGroups([g.groupId])) addSite(s, perms);
    else for (const p of perms) global.add(p);
  }
  const can = (permission: Permission, siteId: string) => global.has(permission) || (perSite.get(siteId)?.has(permission) ?? false);
  return {
    userId: input.userId,
    username: input.username,
    via: input.via,
    credentialId: input.credentialId,
    scope: input.scope,
    enrolOnly: input.enrolOnly ?? false,
    address: input.address,
    isOwner: input.grants.some((g) => g.role === "owner" && !g.siteId && !g.groupId) && (input.scope === undefined || input.scope === "full"),
    hasGlobal: (p) => global.has(p),
    can,
    sitesWith(permission) {
      if (global.has(permission)) return "all";
      return new Set([...perSite].filter(([, perms]) => perms.has(permission)).map(([site]) => site));
    },
    requireSite(permission, siteId, siteName) {
      if (!can(permission, siteId)) throw permissionDenied(input.username, permission, siteName ? `site "${siteName}"` : `site ${siteId}`);
    },
  };
}

/** What a permission lets one do, for refusals. */
const WHAT: Record<Permission, string> = {
  "site.read": "see",
  "site.write": "change the agent config of",
  "site.create": "create sites",
  "code.create": "make activation codes for",
  "agent.read": "see the agents of",
  "agent.write": "disable, enable or reset agents of",
  "install.manage": "manage installs",
  "device.read": "see the devices of",
  "meter.read": "read the meters of",
  "task.read": "see the tasks of",
  "task.write": "create or cancel tasks on",
  "webaccess.use": "use Device Web Access on",
  "webaccess.audit": "read the web access audit of",
  "release.read": "see releases",
  "release.write": "add releases",
  "hub.files": "get the MQTT broker's password file and ACL",
  "hub.ca": "get certificates from the hub's CA",
  "relay.keys": "read the agents' SSH keys for the relay",
  "user.read": "see people and roles",
  "user.write": "manage people and roles",
  "owner.manage": "change owners and the hub's security settings",
  "audit.read": "read the audit log",
  "group.write": "manage site groups",
  "alert.read": "see the alerts and alert rules of",
  "alert.write": "create or delete alert rules of",
  "alert.channel": "manage alert channels",
  "hub.metrics": "read the hub's metrics",
};

/** The refusal of a call the caller's roles do not allow; `where` is "site \"Acme\"" or undefined for the hub. */
export function permissionDenied(username: string, permission: Permission, where?: string): DcaError {
  const what = where ? `${WHAT[permission]} ${where}` : WHAT[permission];
  return new DcaError("permission-denied", `permission denied: ${username} may not ${what} (${permission}); an owner or admin can grant a role that allows it`);
}

/**
 * Roles and what they may do: the one table behind every AdminService call
 * (docs/security.md "People" prints it). A role is granted globally, on one
 * site, or on a group of sites; permissions marked global only count from a
 * global grant (a site's admin does not manage the hub's people).
 */

/** The roles, most powerful first. */
export const ROLES = ["owner", "admin", "technician", "viewer", "billing"] as const;
export type Role = (typeof ROLES)[number];

/** Everything a call may need. */
export const PERMISSIONS = [
  "site.read",
  "site.write",
  "site.create",
  "code.create",
  "agent.read",
  "agent.write",
  "install.manage",
  "device.read",
  "meter.read",
  "task.read",
  "task.write",
  "webaccess.use",
  "webaccess.audit",
  "release.read",
  "release.write",
  "hub.files",
  "hub.ca",
  "relay.keys",
  "user.read",
  "user.write",
  "owner.manage",
  "audit.read",
  "group.write",
  "alert.read",
  "alert.write",
  "alert.channel",
  "hub.metrics",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Permissions that are not about one site: only a global grant gives them. */
export const GLOBAL_PERMISSIONS: ReadonlySet<Permission> = new Set([
  "site.create",
  "install.manage",
  "release.read",
  "release.write",
  "hub.files",
  "hub.ca",
  "relay.keys",
  "user.read",
  "user.write",
  "owner.manage",
  "audit.read",
  "group.write",
  // Channels are the hub's: a webhook or a relay receives every site's notices it is named for.
  "alert.channel",
  "hub.metrics",
]);

const READ: Permission[] = ["site.read", "agent.read", "device.read", "meter.read", "task.read", "alert.read"];

/** What each role may do (where it is granted). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  // Certificates from the hub's CA are owners' alone: agents and the CLI trust that CA, so one for the
  // hub's own name would let its holder stand in for the hub (and catch an owner's sign-in).
  admin: new Set(PERMISSIONS.filter((p) => p !== "owner.manage" && p !== "hub.ca")),
  technician: new Set([...READ, "code.create", "task.write", "webaccess.use"]),
  viewer: new Set(READ),
  billing: new Set(["site.read", "device.read", "meter.read"]),
};

/**
 * The scopes of API tokens: what a token may do at most (and never more than its user).
 * relay and broker are for token files beside a peer the operator runs, which must be worth
 * little if read: relay only the agents' public SSH keys (sshd's AuthorizedKeysCommand,
 * docs/web-access.md), broker only mosquitto's password file and ACL (the job that rewrites
 * them, docs/mqtt.md), never a certificate from the hub's CA. metrics is for a Prometheus
 * server's token file: the hub's metrics and nothing else.
 */
export const TOKEN_SCOPES = ["meters", "tasks", "relay", "broker", "metrics", "full"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const SCOPE_PERMISSIONS: Readonly<Record<TokenScope, ReadonlySet<Permission>>> = {
  meters: new Set(["site.read", "device.read", "meter.read"]),
  tasks: new Set(["site.read", "device.read", "meter.read", "agent.read", "task.read", "task.write"]),
  relay: new Set(["relay.keys"]),
  broker: new Set(["hub.files"]),
  metrics: new Set(["hub.metrics"]),
  full: new Set(PERMISSIONS),
};

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
export const isTokenScope = (s: string): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s);

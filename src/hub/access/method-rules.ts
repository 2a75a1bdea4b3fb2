/**
 * Who may call each AdminService method: the rule every call passes before
 * its handler runs (src/hub/adminapi/admin-door.ts), and whether the audit
 * log records it. A Record over every method, so a new method does not
 * compile until it has a rule here.
 */
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { Permission } from "./roles.ts";

/** The localName of each AdminService method ("createSite"). */
export type AdminMethod = keyof (typeof AdminService)["method"];

/**
 * - open: no credential (sign-in).
 * - self: any signed-in person, about their own account; `tokens` lets API tokens call it too,
 *   `enrol` lets a session limited to 2FA enrolment call it.
 * - global: needs the permission from a global grant.
 * - site: needs the permission on the site the request names (the handler asks the Caller for it).
 * - sites: a listing, filtered to the sites where the caller has the permission (on none: refused).
 */
export type MethodRule =
  | { kind: "open"; audit?: Audit }
  | { kind: "self"; tokens?: boolean; enrol?: boolean; audit?: Audit }
  | { kind: "global" | "site" | "sites"; permission: Permission; audit?: Audit };

/** "change": every call is recorded; "read": a sensitive read, recorded too; absent: not recorded (refusals always are). */
export type Audit = "change" | "read";

const self = (audit?: Audit, more: { tokens?: boolean; enrol?: boolean } = {}): MethodRule => ({ kind: "self", audit, ...more });
const global = (permission: Permission, audit?: Audit): MethodRule => ({ kind: "global", permission, audit });
const site = (permission: Permission, audit?: Audit): MethodRule => ({ kind: "site", permission, audit });
const sites = (permission: Permission, audit?: Audit): MethodRule => ({ kind: "sites", permission, audit });

/** The rule of every AdminService method. */
export const METHOD_RULES: Readonly<Record<AdminMethod, MethodRule>> = {
  signIn: { kind: "open", audit: "change" },
  signInSecondFactor: { kind: "open", audit: "change" },
  startSsoSignIn: { kind: "open" },
  finishSsoSignIn: { kind: "open", audit: "change" },

  signOut: self("change", { enrol: true }),
  whoAmI: self(undefined, { tokens: true, enrol: true }),
  listMySessions: self(),
  revokeMySessions: self("change"),
  changePassword: self("change"),
  beginTotpEnrolment: self("change", { enrol: true }),
  confirmTotpEnrolment: self("change", { enrol: true }),
  disableTotp: self("change"),
  newRecoveryCodes: self("change"),
  createApiToken: self("change"),
  listApiTokens: self(),
  revokeApiToken: self("change"),

  createUser: global("user.write", "change"),
  listUsers: global("user.read"),
  getUser: global("user.read"),
  setUserDisabled: global("user.write", "change"),
  unlockUser: global("user.write", "change"),
  resetUserPassword: global("user.write", "change"),
  resetUserTotp: global("user.write", "change"),
  revokeUserSessions: global("user.write", "change"),
  grantRole: global("user.write", "change"),
  revokeRole: global("user.write", "change"),
  createSiteGroup: global("group.write", "change"),
  listSiteGroups: global("user.read"),
  setSiteGroupMember: global("group.write", "change"),
  getSecuritySettings: global("user.read"),
  setSecuritySettings: global("owner.manage", "change"),
  getSsoConfig: global("owner.manage"),
  setSsoConfig: global("owner.manage", "change"),

  listAudit: global("audit.read", "read"),
  exportAudit: global("audit.read", "read"),
  verifyAudit: global("audit.read", "read"),

  createSite: global("site.create", "change"),
  listSites: sites("site.read"),
  getSite: site("site.read"),
  setSiteTargets: site("site.write", "change"),
  addSiteCredential: site("site.write", "change"),
  removeSiteCredential: site("site.write", "change"),
  setSiteSchedule: site("site.write", "change"),
  setSiteSnmp: site("site.write", "change"),
  setSiteOutbox: site("site.write", "change"),
  setSiteUpdates: site("site.write", "change"),
  setSiteWebAccess: site("site.write", "change"),

  createActivationCode: site("code.create", "change"),
  listAgents: sites("agent.read"),
  getAgent: site("agent.read"),
  setAgentDisabled: site("agent.write", "change"),
  resetAgentSshKey: site("agent.write", "change"),
  listInstalls: global("install.manage"),
  resetInstall: global("install.manage", "change"),

  listDevices: sites("device.read"),
  listMissedDevices: sites("device.read"),
  listReadings: site("meter.read", "read"),
  listCounterFlags: sites("device.read"),

  createTask: site("task.write", "change"),
  listTasks: sites("task.read"),
  getTask: site("task.read", "read"),
  cancelTask: site("task.write", "change"),
  openWebAccess: site("webaccess.use", "change"),
  listWebAccess: sites("webaccess.use"),
  closeWebAccess: site("webaccess.use", "change"),
  listWebAccessAudit: sites("webaccess.audit", "read"),

  uploadRelease: global("release.write", "change"),
  listReleases: global("release.read"),
  addRevocations: global("release.write", "change"),
  getMqttPasswdFile: global("hub.files", "read"),
  getMqttAclFile: global("hub.files", "read"),
  issueBrokerCert: global("hub.ca", "change"),
  getRelayAuthorizedKeys: global("relay.keys"),

  // Billing (issue 15): the billing role's meters and exports.
  exportMeters: sites("meter.read", "read"),
  // Alerts: a site's rules by its alert.write, a global rule only from a global grant (the handler
  // checks); channels are the hub's. A test sends a real notice, so it is recorded like a change.
  listAlertRules: sites("alert.read"),
  createAlertRule: site("alert.write", "change"),
  deleteAlertRule: site("alert.write", "change"),
  listAlertChannels: global("alert.channel"),
  setAlertChannel: global("alert.channel", "change"),
  deleteAlertChannel: global("alert.channel", "change"),
  testAlertChannel: global("alert.channel", "change"),
  listAlerts: sites("alert.read"),
  // Fleet views (issue 15).
  getFleetOverview: sites("device.read"),
  getDevice: site("device.read"),
  getMeterSeries: site("meter.read", "read"),
  getMetrics: global("hub.metrics"),
  // Portal (issue 15).
  getSignInOptions: { kind: "open" },
  setUpFirstOwner: { kind: "open", audit: "change" },
  redeemSignInLink: { kind: "open", audit: "change" },
  watchTask: site("task.read", "read"),
};

/**
 * The role matrix: every AdminService method, called as every role, granted
 * on site A and asking about site A ("own"), granted on A and asking about
 * site B ("other"), and granted globally ("global"); allowed or refused
 * exactly as the table in docs/security.md says. Allowed means the call got
 * past the rules (it may still fail for its own reasons, but never with
 * permission-denied or unimplemented); refused means permission-denied.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TaskSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { AdminService } from "../../src/gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../src/common/errors.ts";
import { type AdminMethod, type Role, ROLES } from "../../src/hub/access/index.ts";
import { type Cell, parseRoleTable } from "../../src/hub/access/role-table.ts";
import type { AdminClient } from "../../src/hub/admin/admin-client.ts";
import { type TestSite, twoSites } from "../../src/hub/adminapi/testdata/two-sites.ts";
import { repoRoot } from "../support/shared-dir.ts";

type Mode = "own" | "other" | "global";
const MODES: readonly Mode[] = ["own", "other", "global"];

/** What each mode expects of a cell. */
function expected(cell: Cell, mode: Mode): "allowed" | "refused" {
  switch (cell) {
    case "anyone":
    case "own account":
      return "allowed";
    case "sites":
      return mode === "other" ? "refused" : "allowed";
    case "hub":
      return mode === "global" ? "allowed" : "refused";
    case "no":
      return "refused";
  }
}

const { h, a, b } = twoSites();
const siteName = { A: "A", B: "B" };
let n = 0;
const fresh = (prefix: string) => `${prefix}${++n}`;

/** A user who holds nothing, to act on. */
const victim = () => h.store.createUser({ username: fresh("victim") });
/** A task of the site, queued by the store. */
const taskOn = (s: TestSite) => h.store.createTask(s.id, create(TaskSchema, { kind: { case: "ping", value: { address: s.deviceAddress } } })).id;
/** An open web-access session of the site's device, opened as the owner. */
const sessionOn = async (s: TestSite) => (await h.api.openWebAccess({ device: s.deviceId, concurrent: true })).session!.id;

/** A webhook channel of that name (made once), as the store keeps it. */
const alertChannel = (name: string) =>
  (h.store.getAlertChannel(name) ?? h.store.setAlertChannel({ name, settings: { kind: "webhook", webhook: { url: "http://127.0.0.1:9/hook", allowHttp: false, caPem: "" } }, secret: "matrix-secret-0123456789" }).channel).name;

/** Ends a call's stream or promise; its error or undefined. */
async function outcome(call: () => Promise<unknown> | AsyncIterable<unknown>): Promise<unknown> {
  try {
    const r = call();
    if (r instanceof Promise) await r;
    else for await (const _ of r) void _;
    return undefined;
  } catch (e) {
    return e;
  }
}

/** One call of each method for a caller whose grant is on site A; `s` is the site the call asks about. */
const CALLS: Record<AdminMethod, (api: AdminClient, s: TestSite, name: string) => Promise<unknown> | AsyncIterable<unknown>> = {
  signIn: (api) => api.signIn({ username: fresh("nobody"), password: "not the password at all", client: "matrix" }),
  signInSecondFactor: (api) => api.signInSecondFactor({ challenge: "no-such-challenge", code: "000000" }),
  startSsoSignIn: (api) => api.startSsoSignIn({ returnTo: "http://127.0.0.1:9/callback", state: "s", codeChallenge: "c".repeat(43) }),
  finishSsoSignIn: (api) => api.finishSsoSignIn({ ticket: "no-such-ticket", codeVerifier: "v".repeat(43) }),
  signOut: (api) => api.signOut({}),
  whoAmI: (api) => api.whoAmI({}),
  listMySessions: (api) => api.listMySessions({}),
  revokeMySessions: (api) => api.revokeMySessions({ allOthers: true }),
  changePassword: (api) => api.changePassword({ confirm: { password: "wrong wrong wrong" }, newPassword: "a new long passphrase 1" }),
  beginTotpEnrolment: (api) => api.beginTotpEnrolment({ confirm: { password: "wrong wrong wrong" } }),
  confirmTotpEnrolment: (api) => api.confirmTotpEnrolment({ code: "000000" }),
  disableTotp: (api) => api.disableTotp({ confirm: { password: "wrong wrong wrong" } }),
  newRecoveryCodes: (api) => api.newRecoveryCodes({ confirm: { password: "wrong wrong wrong" } }),
  createApiToken: (api) => api.createApiToken({ confirm: { password: "wrong wrong wrong" }, name: "t", scope: "meters", ttlSeconds: 3600n }),
  listApiTokens: (api) => api.listApiTokens({}),
  revokeApiToken: (api) => api.revokeApiToken({ tokenId: "tok_none" }),

  createUser: (api) => api.createUser({ username: fresh("new"), password: "a long enough passphrase 7" }),
  listUsers: (api) => api.listUsers({}),
  getUser: (api) => api.getUser({ user: victim().id }),
  setUserDisabled: (api) => api.setUserDisabled({ user: victim().id, disabled: true }),
  unlockUser: (api) => api.unlockUser({ user: victim().id }),
  resetUserPassword: (api) => api.resetUserPassword({ user: victim().id, newPassword: "a long enough passphrase 8" }),
  resetUserTotp: (api) => api.resetUserTotp({ user: victim().id }),
  revokeUserSessions: (api) => api.revokeUserSessions({ user: victim().id }),
  grantRole: (api, _s, name) => api.grantRole({ user: victim().id, role: "viewer", site: name }),
  revokeRole: (api, s) => api.revokeRole({ grantId: h.store.grantRole({ userId: victim().id, role: "viewer", siteId: s.id }).id }),
  createSiteGroup: (api) => api.createSiteGroup({ name: fresh("group") }),
  listSiteGroups: (api) => api.listSiteGroups({}),
  setSiteGroupMember: (api, _s, name) => api.setSiteGroupMember({ siteGroup: h.store.createSiteGroup(fresh("grp")).id, site: name, member: true }),
  getSecuritySettings: (api) => api.getSecuritySettings({}),
  setSecuritySettings: (api) => api.setSecuritySettings({ settings: { lockoutAttempts: 5 }, fields: ["lockout_attempts"] }),
  getSsoConfig: (api) => api.getSsoConfig({}),
  setSsoConfig: (api) => api.setSsoConfig({}),

  listAudit: (api, _s, name) => api.listAudit({ site: name, limit: 5 }),
  exportAudit: (api) => api.exportAudit({}),
  verifyAudit: (api) => api.verifyAudit({}),

  createSite: (api) => api.createSite({ name: fresh("Site ") }),
  // A listing that cannot name a site: asking "about B" is refused when B is not in it.
  listSites: async (api, s) => {
    const names = (await api.listSites({})).sites.map((x) => x.site?.name);
    if (s === b && !names.includes("B")) throw new DcaError("permission-denied", "site B is not listed");
  },
  getSite: (api, _s, name) => api.getSite({ site: name }),
  setSiteTargets: (api, s, name) => api.setSiteTargets({ site: name, targets: [`${s.deviceAddress.replace(/\.\d+$/, "")}.0/24`] }),
  addSiteCredential: (api, _s, name) => api.addSiteCredential({ site: name, credential: { name: fresh("cred"), version: 2, community: "c-secret" } }),
  removeSiteCredential: (api, _s, name) => api.removeSiteCredential({ site: name, name: "none" }),
  setSiteSchedule: (api, _s, name) => api.setSiteSchedule({ site: name, pollIntervalSeconds: 300 }),
  setSiteSnmp: (api, _s, name) => api.setSiteSnmp({ site: name, retries: 1 }),
  setSiteOutbox: (api, _s, name) => api.setSiteOutbox({ site: name, maxAgeSeconds: 86_400 }),
  setSiteUpdates: (api, _s, name) => api.setSiteUpdates({ site: name, channel: "stable" }),
  setSiteWebAccess: (api, _s, name) => api.setSiteWebAccess({ site: name, ports: [8080], setPorts: true }),

  createActivationCode: (api, _s, name) => api.createActivationCode({ site: name }),
  listAgents: (api, _s, name) => api.listAgents({ site: name }),
  getAgent: (api, s) => api.getAgent({ agent: s.agentId }),
  setAgentDisabled: (api, s) => api.setAgentDisabled({ agent: s.agentId, disabled: false }),
  resetAgentSshKey: (api, s) => api.resetAgentSshKey({ agent: s.agentId }),
  listInstalls: (api) => api.listInstalls({}),
  resetInstall: (api) => api.resetInstall({ installId: "matrix-install" }),

  listDevices: (api, _s, name) => api.listDevices({ site: name }),
  listMissedDevices: (api, _s, name) => api.listMissedDevices({ site: name }),
  listReadings: (api, s) => api.listReadings({ device: s.deviceId }),
  listCounterFlags: (api, _s, name) => api.listCounterFlags({ site: name }),

  createTask: (api, s, name) => api.createTask({ site: name, task: create(TaskSchema, { kind: { case: "ping", value: { address: s.deviceAddress } } }) }),
  listTasks: (api, _s, name) => api.listTasks({ site: name }),
  getTask: (api, s) => api.getTask({ id: taskOn(s) }),
  cancelTask: (api, s) => api.cancelTask({ id: taskOn(s) }),
  openWebAccess: (api, s) => api.openWebAccess({ device: s.deviceId, concurrent: true }),
  listWebAccess: (api, _s, name) => api.listWebAccess({ site: name }),
  closeWebAccess: async (api, s) => api.closeWebAccess({ session: await sessionOn(s) }),
  listWebAccessAudit: (api, _s, name) => api.listWebAccessAudit({ site: name }),

  uploadRelease: (api) => api.uploadRelease((async function* () {})()),
  listReleases: (api) => api.listReleases({}),
  addRevocations: (api) => api.addRevocations({}),
  getMqttPasswdFile: (api) => api.getMqttPasswdFile({}),
  getMqttAclFile: (api) => api.getMqttAclFile({}),
  issueBrokerCert: (api) => api.issueBrokerCert({}),
  getRelayAuthorizedKeys: (api) => api.getRelayAuthorizedKeys({}),

  exportMeters: (api, _s, name) => api.exportMeters({ site: name, start: timestampFromMs(h.clock.ms - 86_400_000), end: timestampFromMs(h.clock.ms) }),
  listAlertRules: (api, _s, name) => api.listAlertRules({ site: name }),
  createAlertRule: (api, _s, name) => api.createAlertRule({ site: name, kind: "supply-below", percent: 10 }),
  deleteAlertRule: (api, s) => api.deleteAlertRule({ rule: h.store.createAlertRule({ name: "matrix", siteId: s.id, kind: "not-read", seconds: 3600, channelIds: [], createdBy: "matrix" }).id }),
  listAlertChannels: (api) => api.listAlertChannels({}),
  setAlertChannel: (api) => api.setAlertChannel({ name: fresh("hook"), settings: { case: "webhook", value: { url: "https://127.0.0.1:9/hook" } } }),
  deleteAlertChannel: (api) => api.deleteAlertChannel({ channel: alertChannel(fresh("gone")) }),
  // Port 9 refuses: the test answers ok=false, past the rules.
  testAlertChannel: (api) => api.testAlertChannel({ channel: alertChannel("matrix-test") }),
  listAlerts: (api, _s, name) => api.listAlerts({ site: name }),
  getFleetOverview: (api, _s, name) => api.getFleetOverview({ site: name }),
  getDevice: (api, s) => api.getDevice({ device: s.deviceId }),
  getMeterSeries: (api, s) => api.getMeterSeries({ device: s.deviceId }),
  getMetrics: (api) => api.getMetrics({}),
  getSignInOptions: (api) => api.getSignInOptions({}),
  setUpFirstOwner: (api) => api.setUpFirstOwner({ code: "c".repeat(43), username: fresh("first"), password: "a long enough passphrase 9" }),
  redeemSignInLink: (api) => api.redeemSignInLink({ code: "no-such-link" }),
  // The task as it is now is enough: the watch ends when the caller stops reading.
  watchTask: async (api, s) => {
    for await (const _ of api.watchTask({ id: taskOn(s), maxSeconds: 5 })) break;
  },
};

const table = parseRoleTable(readFileSync(join(repoRoot, "docs/security.md"), "utf8"));

describe("the role matrix of docs/security.md", () => {
  test("the table has every method and nothing else", () => {
    expect([...table.keys()].sort()).toEqual(AdminService.methods.map((m) => m.name).sort());
  });

  for (const method of AdminService.methods) {
    test(`${method.name}: every role, own site, other site, global grant`, async () => {
      const name = method.localName as AdminMethod;
      const wrong: string[] = [];
      for (const role of ROLES) {
        const cell = table.get(method.name)?.get(role as Role);
        if (!cell) throw new Error(`docs/security.md has no ${role} cell for ${method.name}`);
        for (const mode of MODES) {
          const api = mode === "global" ? h.as(role) : h.as(role, "A");
          const site = mode === "other" ? b : a;
          const err = await outcome(() => CALLS[name](api, site, mode === "other" ? siteName.B : siteName.A));
          const code = err instanceof DcaError ? err.code : err === undefined ? "ok" : `not a DcaError: ${String(err)}`;
          if (code === "unimplemented") wrong.push(`${role}/${mode}: unimplemented`);
          const got = code === "permission-denied" ? "refused" : "allowed";
          if (got !== expected(cell, mode)) wrong.push(`${role}/${mode}: expected ${expected(cell, mode)} (${cell}), got ${code}${err instanceof Error ? `: ${err.message}` : ""}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  test("listings show a site's rows only to those granted on it", async () => {
    for (const role of ROLES) {
      const api = h.as(role, "A");
      const sites = await outcome(async () => {
        const r = await api.listSites({});
        expect(r.sites.map((s) => s.site?.name)).toEqual(["A"]);
      });
      expect(sites).toBeUndefined();
    }
    const viewer = h.as("viewer", "A");
    expect((await viewer.listDevices({})).devices.every((d) => d.siteId === a.id)).toBe(true);
    expect((await viewer.listAgents({})).agents.every((x) => x.siteId === a.id)).toBe(true);
    expect((await viewer.listTasks({})).tasks.every((t) => t.siteId === a.id)).toBe(true);
  });
});

import { describe, expect, test } from "bun:test";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import type { AdminClient } from "../admin/admin-client.ts";

/** Every people, settings and audit method with a request that would succeed for an owner. */
const CALLS: Record<string, (api: AdminClient) => Promise<unknown>> = {
  createUser: (api) => api.createUser({ username: "newcomer", password: "a perfectly long password" }),
  listUsers: (api) => api.listUsers({}),
  getUser: (api) => api.getUser({ user: "alice" }),
  setUserDisabled: (api) => api.setUserDisabled({ user: "alice", disabled: true }),
  unlockUser: (api) => api.unlockUser({ user: "alice" }),
  resetUserPassword: (api) => api.resetUserPassword({ user: "alice", newPassword: "a perfectly long password" }),
  resetUserTotp: (api) => api.resetUserTotp({ user: "alice" }),
  revokeUserSessions: (api) => api.revokeUserSessions({ user: "alice" }),
  grantRole: (api) => api.grantRole({ user: "alice", role: "viewer" }),
  revokeRole: (api) => api.revokeRole({ grantId: "rg_x" }),
  createSiteGroup: (api) => api.createSiteGroup({ name: "North" }),
  listSiteGroups: (api) => api.listSiteGroups({}),
  setSiteGroupMember: (api) => api.setSiteGroupMember({ siteGroup: "North", site: "Acme", member: true }),
  getSecuritySettings: (api) => api.getSecuritySettings({}),
  setSecuritySettings: (api) => api.setSecuritySettings({ settings: { lockoutAttempts: 6 }, fields: ["lockout_attempts"] }),
  getSsoConfig: (api) => api.getSsoConfig({}),
  setSsoConfig: (api) => api.setSsoConfig({ roleMappingJson: "[]" }),
  listAudit: (api) => api.listAudit({}),
  exportAudit: async (api) => {
    for await (const _ of api.exportAudit({}));
  },
  verifyAudit: (api) => api.verifyAudit({}),
};

/** The methods an admin (not an owner) may not call. */
const OWNER_ONLY = ["setSecuritySettings", "getSsoConfig", "setSsoConfig"];

describe("who may call the people methods", () => {
  test("viewers, technicians, billing and site-only admins are refused every one, and each refusal is recorded", async () => {
    const h = adminHarness();
    h.store.createSite("Acme");
    h.store.createUser({ username: "alice" });
    const callers: [string, AdminClient][] = [
      ["viewer", h.as("viewer")],
      ["technician on Acme", h.as("technician", "Acme")],
      ["billing", h.as("billing")],
      ["admin on Acme", h.as("admin", "Acme")],
      ["owner on Acme", h.as("owner", "Acme")],
    ];
    for (const [who, api] of callers) {
      for (const [method, call] of Object.entries(CALLS)) {
        const refusal = await call(api).then(
          () => `${who}: ${method} was allowed`,
          (e) => e.code,
        );
        expect(`${who}: ${method}: ${refusal}`).toBe(`${who}: ${method}: permission-denied`);
      }
    }
    const denied = h.store.listAudit({ limit: 10_000 }).filter((r) => r.outcome === "denied");
    expect(denied.length).toBe(callers.length * Object.keys(CALLS).length);
    expect(h.store.getUserByUsername("alice")!.disabledAt).toBeUndefined();
    expect(h.store.getUserByUsername("newcomer")).toBeUndefined();
    expect(h.store.getSecuritySettings().lockoutAttempts).toBe(5);
  });

  test("a global admin may call all but the owner's; an owner all", async () => {
    const h = adminHarness();
    h.store.createSite("Acme");
    h.store.createUser({ username: "alice" });
    const admin = h.as("admin");
    for (const [method, call] of Object.entries(CALLS)) {
      const outcome = await call(admin).then(
        () => "ok",
        (e) => e.code,
      );
      // Refusals for other reasons (no such grant, no 2FA to reset) are not permission refusals.
      if (OWNER_ONLY.includes(method)) expect(`${method}: ${outcome}`).toBe(`${method}: permission-denied`);
      else expect(`${method}: ${outcome}`).not.toBe(`${method}: permission-denied`);
    }
    for (const method of OWNER_ONLY) expect(await CALLS[method]!(h.api).then(() => "ok")).toBe("ok");
  });

  test("an API token acts within its scope: a full token of an owner manages people, a meters or tasks token does not", async () => {
    const h = adminHarness();
    const owner = h.store.getUserByUsername("owner")!;
    const token = (scope: "meters" | "tasks" | "full") =>
      h.withBearer(h.store.createApiToken({ userId: owner.id, name: scope, scope, expiresAt: new Date(h.clock.now() + 86_400_000) }).secret);
    expect((await token("full").listUsers({})).users.length).toBe(1);
    await expect(token("meters").listUsers({})).rejects.toMatchObject({ code: "permission-denied" });
    await expect(token("tasks").listAudit({})).rejects.toMatchObject({ code: "permission-denied" });
    // A full token of an owner is an owner: it may change the security settings.
    expect((await token("full").setSecuritySettings({ settings: { lockoutAttempts: 6 }, fields: ["lockout_attempts"] })).settings?.lockoutAttempts).toBe(6);
  });
});

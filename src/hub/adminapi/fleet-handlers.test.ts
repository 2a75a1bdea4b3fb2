/**
 * Who may call the fleet methods on which site: every method x the site
 * roles x their own site / another site, listings filtered to permitted
 * sites, installs global only, and what the audit log keeps of it.
 */
import { describe, expect, test } from "bun:test";
import type { AdminClient } from "../admin/admin-client.ts";
import { DcaError } from "../../common/errors.ts";
import { type FleetFixture, type FleetSite, fleetFixture } from "../../../test/support/fleet-fixture.ts";

type Call = (api: AdminClient, s: FleetSite) => Promise<unknown>;

/** Each site-scoped method with the site roles that may call it on their own site. */
const SITE_METHODS: { name: string; allowed: string[]; call: Call }[] = [
  { name: "createActivationCode", allowed: ["admin", "technician"], call: (api, s) => api.createActivationCode({ site: s.site.name }) },
  { name: "listAgents (site)", allowed: ["admin", "technician", "viewer"], call: (api, s) => api.listAgents({ site: s.site.name }) },
  { name: "getAgent", allowed: ["admin", "technician", "viewer"], call: (api, s) => api.getAgent({ agent: s.agent.id }) },
  { name: "setAgentDisabled", allowed: ["admin"], call: (api, s) => api.setAgentDisabled({ agent: s.agent.id, disabled: false }) },
  { name: "resetAgentSshKey", allowed: ["admin"], call: (api, s) => api.resetAgentSshKey({ agent: s.agent.id }) },
  { name: "listDevices (site)", allowed: ["admin", "technician", "viewer", "billing"], call: (api, s) => api.listDevices({ site: s.site.id }) },
  { name: "listMissedDevices (site)", allowed: ["admin", "technician", "viewer", "billing"], call: (api, s) => api.listMissedDevices({ site: s.site.name }) },
  { name: "listReadings", allowed: ["admin", "technician", "viewer", "billing"], call: (api, s) => api.listReadings({ device: s.device.id }) },
  { name: "listCounterFlags (device)", allowed: ["admin", "technician", "viewer", "billing"], call: (api, s) => api.listCounterFlags({ device: s.device.id }) },
  { name: "listCounterFlags (site)", allowed: ["admin", "technician", "viewer", "billing"], call: (api, s) => api.listCounterFlags({ site: s.site.name }) },
];

const SITE_ROLES = ["admin", "technician", "viewer", "billing"];

/** The error code a call ends with ("ok" when it worked). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (!(e instanceof DcaError)) throw e;
    return e.code;
  }
}

async function refusal(p: Promise<unknown>): Promise<DcaError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DcaError) return e;
    throw e;
  }
  throw new Error("the call worked");
}

describe("fleet methods: roles of site A", () => {
  test("each method works on the role's own site as the role table says, and never on site B", async () => {
    const f = fleetFixture();
    const seen: string[] = [];
    for (const role of SITE_ROLES) {
      const api = f.as(role, "SiteA");
      for (const m of SITE_METHODS) {
        seen.push(`${role} ${m.name} A=${await outcome(m.call(api, f.a))} B=${await outcome(m.call(api, f.b))}`);
      }
    }
    const expected = SITE_ROLES.flatMap((role) =>
      SITE_METHODS.map((m) => `${role} ${m.name} A=${m.allowed.includes(role) ? "ok" : "permission-denied"} B=permission-denied`),
    );
    expect(seen).toEqual(expected);
  });

  test("the owner and a global admin reach both sites", async () => {
    const f = fleetFixture();
    for (const api of [f.api, f.as("admin")]) {
      for (const m of SITE_METHODS) for (const s of [f.a, f.b]) expect(`${m.name} ${await outcome(m.call(api, s))}`).toBe(`${m.name} ok`);
    }
  });

  test("listings without a site show only the permitted sites' rows", async () => {
    const f = fleetFixture();
    for (const role of ["admin", "technician", "viewer"]) {
      const api = f.as(role, "SiteA");
      expect((await api.listAgents({})).agents.map((a) => a.id)).toEqual([f.a.agent.id]);
    }
    expect(await outcome(f.as("billing", "SiteA").listAgents({}))).toBe("permission-denied");
    for (const role of SITE_ROLES) {
      const api = f.as(role, "SiteA");
      expect((await api.listDevices({})).devices.map((d) => d.id)).toEqual([f.a.device.id]);
      expect((await api.listMissedDevices({ notReadForSeconds: 0 })).devices.map((d) => d.siteName)).toEqual(["SiteA"]);
      expect((await api.listCounterFlags({})).flags.map((x) => x.siteId)).toEqual([f.a.site.id]);
    }
    const all = await f.api.listDevices({});
    expect(all.devices.map((d) => d.siteName).sort()).toEqual(["SiteA", "SiteB"]);
    expect((await f.api.listAgents({})).agents).toHaveLength(2);
    // Someone with no role anywhere is refused, not shown an empty fleet.
    const user = f.store.createUser({ username: "nobody", createdBy: "test" });
    const nobody = f.withBearer(f.store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token);
    for (const call of [nobody.listDevices({}), nobody.listAgents({}), nobody.listCounterFlags({}), nobody.listMissedDevices({})]) {
      expect(await outcome(call)).toBe("permission-denied");
    }
  });

  test("installs are the hub's, not a site's: only a global install.manage lists or resets them", async () => {
    const f = fleetFixture();
    for (const role of SITE_ROLES) {
      const api = f.as(role, "SiteA");
      expect(`${role} ${await outcome(api.listInstalls({}))}`).toBe(`${role} permission-denied`);
      expect(`${role} ${await outcome(api.resetInstall({ installId: f.lockedInstall }))}`).toBe(`${role} permission-denied`);
    }
    for (const role of ["technician", "viewer", "billing"]) expect(await outcome(f.as(role).listInstalls({}))).toBe("permission-denied");
    const admin = f.as("admin");
    expect((await admin.listInstalls({})).installs.find((i) => i.installId === f.lockedInstall)).toMatchObject({ failedAttempts: 5, locked: true });
    expect(await admin.resetInstall({ installId: f.lockedInstall })).toMatchObject({ resetGeneration: 1 });
    expect((await refusal(admin.resetInstall({ installId: "never-seen" }))).code).toBe("not-found");
    expect((await refusal(admin.resetInstall({ installId: " " }))).message).toContain("which install?");
  });

  test("another site's agent and an unknown agent get the same refusal; the owner is told it is unknown", async () => {
    const f = fleetFixture();
    const tech = f.as("technician", "SiteA");
    const other = await refusal(tech.getAgent({ agent: f.b.agent.id }));
    const unknown = await refusal(tech.getAgent({ agent: "agt_nope" }));
    expect(other.code).toBe("permission-denied");
    expect(other.message.replace(f.b.agent.id, "X")).toBe(unknown.message.replace("agt_nope", "X"));
    expect(other.message).not.toContain("SiteB");
    expect(other.message).not.toContain(f.b.site.id);
    expect(await refusal(f.api.getAgent({ agent: "agt_nope" }))).toMatchObject({ code: "not-found", message: expect.stringContaining(`unknown agent "agt_nope"`) });
    expect(await refusal(f.api.getAgent({ agent: "" }))).toMatchObject({ code: "invalid-argument" });
    expect(await refusal(f.api.getAgent({ agent: "x".repeat(5000) }))).toMatchObject({ code: "invalid-argument", message: expect.stringContaining("too long") });
  });
});

describe("fleet methods: what they do and what the audit log keeps", () => {
  test("a code is made for the site (never recorded), an agent disabled and enabled, its SSH key forgotten", async () => {
    const f: FleetFixture = fleetFixture();
    const tech = f.as("technician", "SiteA");
    const made = await tech.createActivationCode({ site: "sitea", ttlSeconds: 3600 });
    expect(made.site?.name).toBe("SiteA");
    expect(made.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Number(made.expiresAt?.seconds) * 1000).toBe(f.clock.ms + 3600_000);
    expect(await refusal(tech.createActivationCode({ site: "SiteA", ttlSeconds: 0 }))).toMatchObject({ code: "invalid-argument" });

    const admin = f.as("admin", "SiteA");
    expect((await admin.setAgentDisabled({ agent: f.a.agent.id, disabled: true })).agent).toMatchObject({ disabled: true, siteName: "SiteA" });
    expect(f.store.getAgent(f.a.agent.id)?.disabled).toBe(true);
    // A disabled agent's credential no longer opens anything: the agent API and the MQTT eviction read the store.
    expect(f.store.listAgents(f.a.site.id).filter((a) => !a.disabled)).toHaveLength(0);
    await admin.setAgentDisabled({ agent: f.a.agent.id, disabled: false });
    expect(f.store.getAgent(f.a.agent.id)?.disabled).toBe(false);

    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    expect(f.store.registerSshKey(f.a.agent.id, key)).toBe("registered");
    const shown = await f.api.getAgent({ agent: f.a.agent.id });
    expect(shown.agent?.sshKeyFingerprint).toMatch(/^SHA256:/);
    const reset = await admin.resetAgentSshKey({ agent: f.a.agent.id });
    expect(reset.previousFingerprint).toBe(shown.agent!.sshKeyFingerprint);
    expect(reset.agent?.sshPublicKey).toBe("");

    const records = f.store.listAudit({ limit: 100 });
    const code = records.find((r) => r.action === "CreateActivationCode" && r.outcome === "ok")!;
    expect(code).toMatchObject({ siteId: f.a.site.id, target: "site SiteA" });
    expect(JSON.stringify(records)).not.toContain(made.code);
    expect(records.filter((r) => r.action === "SetAgentDisabled").map((r) => [r.target, r.siteId, r.detail.disabled])).toEqual([
      [`agent ${f.a.agent.id}`, f.a.site.id, false],
      [`agent ${f.a.agent.id}`, f.a.site.id, true],
    ]);
    const denied = await refusal(admin.setAgentDisabled({ agent: f.b.agent.id, disabled: true }));
    expect(denied.code).toBe("permission-denied");
    expect(f.store.getAgent(f.b.agent.id)?.disabled).toBe(false);
    expect(f.store.listAudit({ limit: 1 })[0]).toMatchObject({ action: "SetAgentDisabled", outcome: "denied" });
  });
});

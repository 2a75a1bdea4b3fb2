/**
 * The agent, install and device commands as clients of AdminService, run
 * as people of one site: what they print, the new readings window, and the
 * one-line refusals of what their role does not allow.
 */
import { describe, expect, test } from "bun:test";
import type { AdminClient } from "./admin-client.ts";
import { runAdminCommand } from "./index.ts";
import { fleetFixture } from "../../../test/support/fleet-fixture.ts";

function cli(f: ReturnType<typeof fleetFixture>) {
  return async (api: AdminClient, ...argv: string[]) => {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir: f.dataDir, clock: f.clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  };
}

describe("agent and install commands through the API", () => {
  test("show and reset-ssh-key print what they did; a viewer of the site may look, not change", async () => {
    const f = fleetFixture();
    const run = cli(f);
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    f.store.registerSshKey(f.a.agent.id, key);
    const viewer = f.as("viewer", "SiteA");
    const shown = await run(viewer, "agent", "show", f.a.agent.id);
    expect(shown.out).toContain(`Site       SiteA (${f.a.site.id})`);
    expect(shown.out).toMatch(/SSH key    SHA256:\S+ \(ED25519\)/);
    expect(JSON.parse((await run(viewer, "agent", "show", f.a.agent.id, "--json")).out)).toMatchObject({ id: f.a.agent.id, sshPublicKey: key, readingsReceived: 3 });
    const refused = await run(viewer, "agent", "disable", f.a.agent.id);
    expect(refused).toMatchObject({ code: 1, out: "" });
    expect(refused.err).toMatch(/^dca-hub agent disable: permission denied: viewer\d+ may not disable, enable or reset agents of any site \(agent\.write\); an owner or admin can grant a role that allows it\n$/);
    expect((await run(viewer, "agent", "show", f.b.agent.id)).code).toBe(1);

    const admin = f.as("admin", "SiteA");
    expect((await run(admin, "agent", "disable", f.b.agent.id)).err).toBe(
      `dca-hub agent disable: permission denied: ${"admin"}2 may not disable, enable or reset agents of the site of agent "${f.b.agent.id}" (agent.write); an owner or admin can grant a role that allows it\n`,
    );
    const fingerprint = /SSH key    (SHA256:\S+)/.exec(shown.out)![1];
    expect((await run(admin, "agent", "reset-ssh-key", f.a.agent.id)).out).toBe(
      `agent ${f.a.agent.id} (SiteA-pc): SSH key forgotten (was ${fingerprint}); the next key it sends is registered\n`,
    );
    expect((await run(admin, "agent", "disable", f.a.agent.id)).out).toBe(`agent ${f.a.agent.id} (SiteA-pc) disabled: its calls are refused from now on\n`);
    expect((await run(admin, "agent", "list")).out).toMatch(/SiteA\s+SiteA-pc\s+0\.1\.0\s+linux-x64\s+never\s+v0\s+0\s+0\s+3\s+disabled/);
    expect((await run(admin, "agent", "list")).out).not.toContain("SiteB");
    expect((await run(admin, "agent", "enable", f.a.agent.id)).out).toContain("enabled");
  });

  test("code create for one's site; install commands need a global role", async () => {
    const f = fleetFixture();
    const run = cli(f);
    const tech = f.as("technician", "SiteA");
    const made = JSON.parse((await run(tech, "code", "create", "SiteA", "--ttl", "1h", "--json")).out);
    expect(made).toMatchObject({ siteId: f.a.site.id, siteName: "SiteA", expiresAt: "2026-03-01T09:00:00.000Z" });
    expect((await run(tech, "code", "create", "SiteB")).err).toContain(`may not make activation codes for site "SiteB"`);
    expect((await run(tech, "code", "create", "SiteA", "--ttl", "0")).code).toBe(2);
    expect((await run(tech, "install", "list")).err).toContain("may not manage installs (install.manage)");
    expect((await run(f.api, "install", "list")).out).toMatch(/inst-locked\s+5\s+yes\s+0/);
  });
});

describe("device commands through the API", () => {
  test("readings in a window; listings of a billing user show its site only", async () => {
    const f = fleetFixture();
    const run = cli(f);
    const billing = f.as("billing", "SiteA");
    const ids = async (...flags: string[]) => {
      const r = await run(billing, "device", "readings", f.a.device.id, ...flags, "--json");
      expect(r.err).toBe("");
      return (JSON.parse(r.out) as { id: string }[]).map((x) => x.id);
    };
    const [r1, r2, r3] = f.a.readings;
    expect(await ids()).toEqual([r3, r2, r1]);
    expect(await ids("--since", "2h")).toEqual([r3, r2]);
    expect(await ids("--since", "2026-03-01T05:30", "--until", "2026-03-01 07:00:00Z")).toEqual([r2]);
    expect(await ids("--until", "2026-03-01T07:00+01:00")).toEqual([r1]);
    expect(await ids("--since", "2026-03-01", "--limit", "1")).toEqual([r3]);
    const bad = await run(billing, "device", "readings", f.a.device.id, "--since", "yesterday");
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining(`--since must be a time such as 2026-03-01, 2026-03-01T08:00Z or 7d (ago), got "yesterday"`) });
    expect((await run(billing, "device", "readings", f.a.device.id, "--limit", "10001")).code).toBe(2);
    expect((await run(billing, "device", "readings", f.b.device.id)).err).toContain("permission denied");

    const list = await run(billing, "device", "list");
    expect(list.out).toContain("SERIAL-A");
    expect(list.out).not.toContain("SERIAL-B");
    expect((await run(billing, "device", "flags")).out).toMatch(/total\s+1100\s+900\s+-200\s+backwards\s+SiteA-r3/);
    expect((await run(billing, "device", "missed", "--site", "SiteB")).code).toBe(1);
    expect((await run(billing, "agent", "list")).err).toContain("may not see the agents of any site");
  });
});

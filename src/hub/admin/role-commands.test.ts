import { describe, expect, test } from "bun:test";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { adminRun } from "../../../test/support/admin-run.ts";

function setup() {
  const h = adminHarness();
  const { run, runWith } = adminRun(h);
  /** The API as a user with no role yet (grants come from the commands). */
  const signIn = (username: string) => {
    const u = h.store.getUserByUsername(username) ?? h.store.createUser({ username, createdBy: "test" });
    return h.withBearer(h.store.createSession({ userId: u.id, method: "password", address: "127.0.0.1", client: "test" }).token);
  };
  return { h, run, runWith, signIn };
}

const grantIdIn = (out: string): string => /\(grant (rg_\w+);/.exec(out)![1]!;

describe("role and group commands", () => {
  test("grant globally, on a site and on a site group; list; revoke", async () => {
    const { h, run, signIn } = setup();
    const alice = signIn("alice");
    for (const s of ["Acme", "Bravo", "Charlie"]) await run("site", "create", s);
    expect(await run("group", "create", "North")).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^site group "North" created: grp_\w+\nnext: dca-hub group add-site North SITE, then dca-hub role grant USER ROLE --group North\n$/),
    });
    expect(await run("group", "add-site", "North", "Bravo")).toEqual({ code: 0, out: `site "Bravo" added to group "North" (1 site: Bravo)\n`, err: "" });
    expect((await run("group", "add-site", "North", "Charlie")).out).toBe(`site "Charlie" added to group "North" (2 sites: Bravo, Charlie)\n`);
    expect((await run("group", "list")).out).toMatch(/^ID\s+NAME\s+SITES\ngrp_\w+\s+North\s+Bravo, Charlie\n$/);
    expect(JSON.parse((await run("group", "list", "--json")).out)).toMatchObject([{ name: "North", sites: [{ name: "Bravo" }, { name: "Charlie" }] }]);

    const onAcme = await run("role", "grant", "alice", "technician", "--site", "Acme");
    expect(onAcme.out).toMatch(/^alice is now technician on site Acme \(grant rg_\w+; take it back with dca-hub role revoke rg_\w+\)\n$/);
    const onNorth = await run("role", "grant", "alice", "viewer", "--group", "North");
    expect(onNorth.out).toMatch(/^alice is now viewer on group North \(grant rg_/);
    expect((await alice.listSites({})).sites.map((s) => s.site?.name)).toEqual(["Acme", "Bravo", "Charlie"]);
    expect((await run("group", "remove-site", "North", "Charlie")).out).toBe(`site "Charlie" taken out of group "North" (1 site: Bravo)\n`);
    expect((await alice.listSites({})).sites.map((s) => s.site?.name)).toEqual(["Acme", "Bravo"]);

    const list = await run("role", "list");
    expect(list.out).toMatch(/^GRANT\s+USER\s+ROLE\s+WHERE\s+SOURCE\s+GRANTED\n/);
    expect(list.out).toMatch(/\nrg_\w+\s+alice\s+technician\s+site Acme\s+manual\s+2026-03-01 08:00:00Z\n/);
    expect(list.out).toMatch(/\nrg_\w+\s+owner\s+owner\s+everywhere\s+manual/);
    const mine = JSON.parse((await run("role", "list", "alice", "--json")).out);
    expect(mine.map((g: { role: string }) => g.role)).toEqual(["viewer", "technician"]);
    expect(mine[0]).toMatchObject({ username: "alice", siteGroupName: "North", source: "manual" });
    expect((await run("user", "list")).out).toMatch(/\nalice\s+usr_\w+\s+local\s+viewer on group North, technician on Acme\s/);

    expect(await run("role", "revoke", grantIdIn(onAcme.out))).toEqual({ code: 0, out: `alice is no longer technician on site Acme (grant ${grantIdIn(onAcme.out)} revoked)\n`, err: "" });
    expect((await alice.listSites({})).sites.map((s) => s.site?.name)).toEqual(["Bravo"]);
    expect(await run("role", "revoke", grantIdIn(onAcme.out))).toMatchObject({ code: 1, err: expect.stringContaining(`unknown grant "${grantIdIn(onAcme.out)}"; see "dca-hub role list"`) });
    expect((await run("role", "grant", "alice", "admin")).out).toMatch(/^alice is now admin everywhere \(grant/);
    expect((await run("role", "list", "bob")).code).toBe(1);

    expect(await run("role", "grant", "alice", "superuser")).toMatchObject({ code: 2, err: expect.stringContaining(`unknown role "superuser"; the roles are owner, admin, technician, viewer, billing`) });
    expect(await run("role", "grant", "alice", "viewer", "--site", "Acme", "--group", "North")).toMatchObject({ code: 2, err: expect.stringContaining("not both") });
    expect(await run("role", "grant", "alice", "viewer", "--site", "Nowhere")).toMatchObject({ code: 1, err: expect.stringContaining(`unknown site "Nowhere"`) });
    expect(await run("role", "grant", "alice", "viewer", "--group", "South")).toMatchObject({ code: 1, err: expect.stringContaining(`unknown site group "South"`) });
    expect(await run("group", "create", "north")).toMatchObject({ code: 1, err: expect.stringContaining("already exists") });
    expect(await run("group", "add-site", "South", "Acme")).toMatchObject({ code: 1, err: expect.stringContaining(`unknown site group "South"`) });

    const records = h.store.listAudit({ action: "GrantRole" });
    expect(records.at(-1)).toMatchObject({ actor: "owner", target: "user alice", siteId: h.store.getSite("Acme")!.id, detail: { role: "technician", where: `on site "Acme"` } });
  });

  test("only an owner grants or revokes the owner role or acts on an owner's account", async () => {
    const { h, run, runWith, signIn } = setup();
    const admin = signIn("ada");
    await run("role", "grant", "ada", "admin");
    const asAdmin = (...argv: string[]) => runWith({ api: admin }, ...argv);
    signIn("vic");
    await run("role", "grant", "vic", "viewer");

    expect(await asAdmin("role", "grant", "vic", "owner")).toEqual({ code: 1, out: "", err: "dca-hub role grant: permission denied: only an owner may grant the owner role\n" });
    expect(await asAdmin("role", "grant", "ada", "owner", "--site", h.store.createSite("Acme").id)).toMatchObject({ code: 1, err: expect.stringContaining("only an owner may grant") });
    const ownerGrant = h.store.listGrants(h.store.getUserByUsername("owner")!.id)[0]!;
    expect((await asAdmin("role", "revoke", ownerGrant.id)).err).toBe("dca-hub role revoke: permission denied: only an owner may revoke the owner role\n");
    for (const argv of [["disable"], ["enable"], ["unlock"], ["reset-totp"], ["revoke-sessions"], ["reset-password"]]) {
      const r = await runWith({ api: admin, env: { DCA_HUB_NEW_PASSWORD: "a long enough new password" } }, "user", argv[0]!, "owner");
      expect(r).toMatchObject({ code: 1, err: expect.stringContaining("permission denied: owner is an owner; only an owner may") });
    }
    // An admin manages everyone else.
    expect((await asAdmin("user", "disable", "vic")).code).toBe(0);
    expect((await asAdmin("user", "enable", "vic")).code).toBe(0);
    expect((await asAdmin("role", "grant", "vic", "admin")).code).toBe(0);
    expect(h.store.getUserByUsername("owner")!.disabledAt).toBeUndefined();
    const denied = h.store.listAudit({ actor: "ada", action: "SetUserDisabled" }).filter((r) => r.outcome === "denied");
    expect(denied.map((r) => r.target)).toEqual(["user owner", "user owner"]);

    // An owner makes another owner, who may then act on the first.
    expect((await run("role", "grant", "vic", "owner")).code).toBe(0);
    const vic = signIn("vic");
    expect((await runWith({ api: vic }, "user", "revoke-sessions", "owner")).out).toBe(`1 session of "owner" revoked; they sign in again\n`);
  });

  test("the hub always keeps an enabled global owner", async () => {
    const { h, run, signIn } = setup();
    const ownerId = h.store.getUserByUsername("owner")!.id;
    const ownGrant = () => h.store.listGrants(ownerId).find((g) => g.role === "owner")!.id;
    const last = "refused: this would take the owner role from the hub's last enabled owner; grant another user the owner role first (dca-hub role grant USER owner)";
    expect(await run("role", "revoke", ownGrant())).toEqual({ code: 1, out: "", err: `dca-hub role revoke: ${last}\n` });

    // A second owner who is disabled does not count.
    const olga = signIn("olga");
    await run("role", "grant", "olga", "owner");
    expect((await run("user", "disable", "olga")).code).toBe(0);
    expect((await run("role", "revoke", ownGrant())).err).toBe(`dca-hub role revoke: ${last}\n`);
    // An owner only on a site does not count either.
    const site = h.store.createSite("Acme");
    await run("user", "enable", "olga");
    const olgaGlobal = h.store.listGrants(h.store.getUserByUsername("olga")!.id)[0]!.id;
    await run("role", "grant", "olga", "owner", "--site", site.id);
    expect((await run("role", "revoke", olgaGlobal)).code).toBe(0);
    expect((await run("role", "revoke", ownGrant())).err).toBe(`dca-hub role revoke: ${last}\n`);

    // With another enabled global owner, the first may step down; the second may not then be disabled by anyone.
    await run("role", "grant", "olga", "owner");
    const olgaApi = signIn("olga");
    expect(await run("role", "revoke", ownGrant())).toMatchObject({ code: 0, out: expect.stringContaining("owner is no longer owner everywhere") });
    expect(await adminRun(h, { api: olgaApi }).run("user", "disable", "olga")).toMatchObject({ code: 1, err: expect.stringContaining("you cannot disable your own account") });
    expect(h.store.listAudit({ action: "RevokeRole", limit: 1 })[0]).toMatchObject({ actor: "owner", outcome: "ok", detail: { role: "owner", where: "globally" } });
    await expect(h.api.listUsers({})).rejects.toMatchObject({ code: "permission-denied" });
    expect((await olgaApi.listUsers({})).users.length).toBe(2);
  });
});

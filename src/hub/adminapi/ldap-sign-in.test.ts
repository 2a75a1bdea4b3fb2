/**
 * SignIn through the directory: Debian's slapd on loopback (LDAPS with the
 * test CA) as the hub's LDAP configuration, groups mapped to a site role and
 * a global one, through the in-process harness. The directory's people
 * become hub users by DN, refusals look like local ones, the lockout and the
 * second factor apply, and the audit log says who tried and why.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { totpCodeAt } from "../accounts/index.ts";
import { SSO_SETTING_KEYS } from "../sso/index.ts";
import { type AdminHarness, adminHarness } from "../../../test/support/admin-harness.ts";
import { type SlapdPeer, slapdSkipReason, startSlapd, userDn } from "../../../test/support/slapd-peer.ts";
import { PASSWORD, failure, person } from "../../../test/support/sign-in-fixture.ts";

const skip = slapdSkipReason();
if (skip) console.log(`skipping the LDAP sign-in tests: ${skip}`);

let peer: SlapdPeer;
beforeAll(async () => {
  if (!skip) peer = await startSlapd();
});
afterAll(async () => {
  await peer?.stop();
});

const pass = (uid: string) => peer.directory.users.find((u) => u.uid === uid)!.password;

/** A hub whose LDAP setting is the peer, with site Acme; techs are technicians on Acme, printadmins admins. */
function hub(mapping: unknown[] = [{ group: "techs", role: "technician", site: "Acme" }, { group: "printadmins", role: "admin" }]): AdminHarness {
  const h = adminHarness();
  h.store.createSite("Acme");
  h.store.createSite("Other");
  h.store.setSetting(SSO_SETTING_KEYS.ldap, {
    url: peer.ldapsUrl,
    bindDn: peer.serviceDn,
    bindPassword: peer.servicePassword,
    userBase: `ou=people,${peer.baseDn}`,
    caFile: peer.caPath,
  });
  h.store.setSetting(SSO_SETTING_KEYS.roleMapping, mapping);
  return h;
}

const signIn = (h: AdminHarness, username: string, password: string) => h.withBearer(undefined).signIn({ username, password, client: "test" });

describe.skipIf(!!skip)("LDAP sign-in", () => {
  test("a person of the directory signs in, becomes the hub user of their DN, with their groups' roles", async () => {
    const h = hub();
    const { result } = await signIn(h, "bob", pass("bob"));
    const bob = h.withBearer(result!.sessionToken);
    const me = await bob.whoAmI({});
    expect(me.user).toMatchObject({ username: "bob", displayName: "Bob Tech", email: "bob@dca.test", source: "ldap" });
    expect(me.user!.grants.map((g) => [g.role, g.siteName, g.source])).toEqual([["technician", "Acme", "sso"]]);
    expect((await bob.listMySessions({})).sessions[0]!.method).toBe("ldap");
    expect((await bob.listSites({})).sites.map((s) => s.site!.name)).toEqual(["Acme"]);
    const stored = h.store.getUserByUsername("bob")!;
    expect(stored.externalId).toBe(userDn(peer.directory, peer.directory.users.find((u) => u.uid === "bob")!));
    // Again: the same user, found by DN; the grants are replaced, not added.
    await signIn(h, "BOB", pass("bob"));
    expect(h.store.listUsers().filter((u) => u.source === "ldap")).toHaveLength(1);
    expect(h.store.listGrants(stored.id)).toHaveLength(1);
    const rec = h.store.listAudit({ action: "SignIn" })[0]!;
    expect(rec).toMatchObject({ actor: "bob", actorUserId: stored.id, outcome: "ok" });
    expect(rec.detail).toMatchObject({ source: "ldap", method: "ldap" });
    // An admin by the printadmins group.
    const alice = await signIn(h, "alice", pass("alice"));
    expect(alice.result!.user!.grants.map((g) => [g.role, g.siteId])).toEqual([["admin", ""]]);
  });

  test("a wrong password and an unknown name get the local refusal; five wrong passwords lock the hub user", async () => {
    const h = hub();
    await person(h, "local1");
    const localUnknown = await failure(signIn(h, "nobody.local", PASSWORD));
    await signIn(h, "bob", pass("bob"));
    for (const [name, pw] of [["bob", "wrong-pass-1"], ["zed", "whatever-123"]]) {
      const e = await failure(signIn(h, name!, pw!));
      expect([e.code, e.message]).toEqual([localUnknown.code, localUnknown.message]);
    }
    for (let i = 2; i <= 5; i++) await failure(signIn(h, "bob", `wrong-pass-${i}`));
    const locked = await failure(signIn(h, "bob", pass("bob")));
    expect(locked.code).toBe("failed-precondition");
    expect(locked.message).toContain("locked after too many failed attempts");
    const bobId = h.store.getUserByUsername("bob")!.id;
    const recs = h.store.listAudit({ action: "SignIn", actor: "bob" });
    expect(recs.map((r) => [r.outcome, r.actorUserId, r.detail.reason, r.detail.ldapReason])).toEqual([
      ["failed", bobId, "locked", undefined],
      ...Array.from({ length: 5 }, () => ["failed", bobId, "bad-password", "bad-credentials"]),
      ["ok", bobId, undefined, undefined],
    ]);
    expect(h.store.listAudit({ action: "SignIn", actor: "zed" })[0]!.detail).toMatchObject({ reason: "bad-password", ldapReason: "bad-credentials", source: "ldap" });
  });

  test("someone in no mapped group is refused and gets no account; leaving the groups takes the roles away", async () => {
    const h = hub();
    const carol = await failure(signIn(h, "carol", pass("carol")));
    expect(carol.code).toBe("permission-denied");
    expect(carol.message).toMatch(/^sign-in refused: carol is in none of the groups this hub gives a role to/);
    expect(h.store.getUserByUsername("carol")).toBeUndefined();
    expect(h.store.listAudit({ action: "SignIn", actor: "carol" })[0]).toMatchObject({ outcome: "denied", detail: { reason: "no-mapped-group", source: "ldap" } });
    await signIn(h, "bob", pass("bob"));
    const bob = h.store.getUserByUsername("bob")!;
    h.store.setSetting(SSO_SETTING_KEYS.roleMapping, [{ group: "printadmins", role: "admin" }]);
    expect((await failure(signIn(h, "bob", pass("bob")))).code).toBe("permission-denied");
    expect(h.store.listGrants(bob.id)).toEqual([]);
  });

  test("a local account's name is not the directory's: the local password decides", async () => {
    const h = hub();
    await person(h, "alice");
    expect((await failure(signIn(h, "alice", pass("alice")))).code).toBe("unauthenticated");
    expect((await signIn(h, "alice", PASSWORD)).result!.user!.source).toBe("local");
  });

  test("TOTP applies to directory users: enrolled with the directory password, then asked for a code", async () => {
    const h = hub();
    const first = h.withBearer((await signIn(h, "bob", pass("bob"))).result!.sessionToken);
    expect((await failure(first.beginTotpEnrolment({ confirm: { password: "not-bobs-password" } }))).code).toBe("unauthenticated");
    const begun = await first.beginTotpEnrolment({ confirm: { password: pass("bob") } });
    await first.confirmTotpEnrolment({ code: totpCodeAt(begun.secret, h.clock.now()) });
    h.clock.advance(30_000);
    const step = await signIn(h, "bob", pass("bob"));
    expect(step.result!.sessionToken).toBe("");
    const { result } = await h.withBearer(undefined).signInSecondFactor({ challenge: step.result!.challenge, code: totpCodeAt(begun.secret, h.clock.now()) });
    expect(result!.user!.username).toBe("bob");
    // The hub's 2FA requirement: a directory user without TOTP may only enrol.
    h.store.setSecuritySettings({ require2fa: true });
    expect((await signIn(h, "dave", pass("dave"))).result!.enrolRequired).toBe(true);
  });
});

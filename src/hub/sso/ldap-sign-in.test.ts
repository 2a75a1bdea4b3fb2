/**
 * LDAP sign-in against Debian's slapd, started by the test on loopback with
 * a small directory (test/support/slapd-peer.ts): LDAPS and StartTLS with the
 * test CA, groups from memberOf and from a group search, the refusals that
 * must look alike, filter injection, and the directory's own problems
 * (untrusted certificate, wrong service password, server down) told apart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DcaError } from "../../common/errors.ts";
import { freeTcpPort } from "../../../test/support/free-port.ts";
import { type SlapdPeer, groupDn, slapdSkipReason, startSlapd, userDn } from "../../../test/support/slapd-peer.ts";
import { type ExternalIdentity, type LdapConfig, SIGN_IN_REFUSED, type SignInRefusal, isRefusal, ldapSignIn, mapGroups, parseLdapConfig, parseRoleMapping } from "./index.ts";

const skip = slapdSkipReason();
if (skip) console.log(`skipping the slapd tests: ${skip}`);

let peer: SlapdPeer;
beforeAll(async () => {
  if (!skip) peer = await startSlapd();
});
afterAll(async () => {
  await peer?.stop();
});

const configFor = (extra: Record<string, unknown> = {}): LdapConfig =>
  parseLdapConfig({
    url: peer.ldapsUrl,
    bindDn: peer.serviceDn,
    bindPassword: peer.servicePassword,
    userBase: `ou=people,${peer.baseDn}`,
    caFile: peer.caPath,
    ...extra,
  });

const mapping = parseRoleMapping([
  { group: "printadmins", role: "admin" },
  { group: "CN=Techs, OU=Groups, DC=dca, DC=test", role: "technician", site: "Acme Dental" },
]);

async function identityOf(run: Promise<ExternalIdentity | SignInRefusal>): Promise<ExternalIdentity> {
  const r = await run;
  if (isRefusal(r)) throw new Error(`refused: ${r.reason}`);
  return r;
}

async function refusalOf(run: Promise<ExternalIdentity | SignInRefusal>): Promise<SignInRefusal> {
  const r = await run;
  if (!isRefusal(r)) throw new Error(`signed in as ${r.username}`);
  return r;
}

async function failureOf(run: Promise<unknown>): Promise<DcaError> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DcaError);
  expect((e as DcaError).message).not.toContain("\n");
  return e as DcaError;
}

describe.skipIf(!!skip)("LDAP sign-in against slapd", () => {
  test("over LDAPS: a good password gives the identity with its groups (memberOf), mapped to roles", async () => {
    const alice = await identityOf(ldapSignIn(configFor(), "alice", "alice-pass-123"));
    const d = peer.directory;
    expect(alice).toEqual({
      source: "ldap",
      externalId: userDn(d, d.users[0]),
      username: "alice",
      displayName: "Alice Admin",
      email: "alice@dca.test",
      groups: [groupDn(d, "printadmins")],
    });
    expect(mapGroups(alice, mapping)).toEqual([{ role: "admin" }]);
    const bob = await identityOf(ldapSignIn(configFor(), "bob", "bob-pass-123"));
    expect(mapGroups(bob, mapping)).toEqual([{ role: "technician", site: "Acme Dental" }]);
  });

  test("over StartTLS, groups from a group search (the DN escaped into the filter)", async () => {
    const config = configFor({ url: peer.ldapUrl, startTls: true, memberOf: false, groupBase: `ou=groups,${peer.baseDn}` });
    const bob = await identityOf(ldapSignIn(config, "bob", "bob-pass-123"));
    expect(bob.groups).toEqual([groupDn(peer.directory, "techs")]);
    // "cn=Dave (Ops)*,..." put into (member={dn}) unescaped would be a broken or different filter.
    const dave = await identityOf(ldapSignIn(config, "dave", "dave-pass-123"));
    expect(dave).toMatchObject({ username: "dave", displayName: "Dave (Ops)", groups: [groupDn(peer.directory, "techs")] });
    const carol = await identityOf(ldapSignIn(config, "carol", "carol-pass-123"));
    expect(carol.groups).toEqual([]);
    expect(mapGroups(carol, mapping)).toEqual([]);
  });

  test("plain ldap:// is allowed on loopback only, and works there", async () => {
    const alice = await identityOf(ldapSignIn(configFor({ url: peer.ldapUrl, caFile: undefined }), "alice", "alice-pass-123"));
    expect(alice.username).toBe("alice");
  });

  test("a wrong password and an unknown user get the same refusal", async () => {
    const wrong = await refusalOf(ldapSignIn(configFor(), "alice", "not-her-password"));
    const unknown = await refusalOf(ldapSignIn(configFor(), "mallory", "whatever-123"));
    expect(wrong).toEqual({ refused: true, reason: "bad-credentials", message: SIGN_IN_REFUSED });
    expect(unknown).toEqual(wrong);
  });

  test("an empty password is refused before any bind (an unauthenticated bind would succeed)", async () => {
    const r = await refusalOf(ldapSignIn(configFor({ url: `ldaps://127.0.0.1:${await freeTcpPort()}` }), "alice", ""));
    expect(r.reason).toBe("empty-password");
  });

  test("filter injection in the username matches nobody", async () => {
    for (const name of ["*", "*)(uid=*", "alice)(|(uid=*", "al*", "*)(|(objectClass=*)", "alice\u0000"]) {
      const r = await refusalOf(ldapSignIn(configFor(), name, "alice-pass-123"));
      expect(r.reason).toBe("bad-credentials");
    }
  });

  test("a filter that matches several people is refused, not guessed", async () => {
    const r = await refusalOf(ldapSignIn(configFor({ userFilter: "(|(uid={username})(objectClass=inetOrgPerson))" }), "alice", "alice-pass-123"));
    expect(r).toMatchObject({ reason: "ambiguous-user", message: SIGN_IN_REFUSED });
  });

  test("without the CA, LDAPS and StartTLS fail with what to do", async () => {
    for (const extra of [{}, { url: peer.ldapUrl, startTls: true }]) {
      const none = await failureOf(ldapSignIn(configFor({ ...extra, caFile: undefined }), "alice", "alice-pass-123"));
      expect([none.code, none.reason]).toEqual(["unavailable", "tls"]);
      expect(none.message).toMatch(/^the LDAP server ldaps?:\/\/127\.0\.0\.1:\d+ presented a certificate this hub does not trust \([A-Z_]+\); set caFile to the PEM file/);
      const wrong = await failureOf(ldapSignIn(configFor({ ...extra, caFile: peer.otherCaPath }), "alice", "alice-pass-123"));
      expect(wrong.message).toContain(`${peer.otherCaPath} (caFile) is not the CA that signed it`);
    }
  });

  test("a wrong service password is the config's problem, not the person's, and is never printed", async () => {
    const e = await failureOf(ldapSignIn(configFor({ bindPassword: "wrong-service-pass" }), "alice", "alice-pass-123"));
    expect([e.code, e.reason]).toEqual(["invalid-config", "service-credentials"]);
    expect(e.message).toContain(`refused the service account ${peer.serviceDn}`);
    expect(e.message).not.toContain("wrong-service-pass");
    expect(e.message).not.toContain("alice-pass-123");
  });

  test("a userBase that does not exist is named", async () => {
    const e = await failureOf(ldapSignIn(configFor({ userBase: `ou=nobody,${peer.baseDn}` }), "alice", "alice-pass-123"));
    expect([e.code, e.reason]).toEqual(["invalid-config", "base-dn"]);
    expect(e.message).toContain(`has no entry userBase ou=nobody,${peer.baseDn}`);
  });

  test("slapd down: a clear unreachable error", async () => {
    const down = await startSlapd();
    const config = configFor({ url: down.ldapsUrl, caFile: down.caPath });
    await down.stop();
    const e = await failureOf(ldapSignIn(config, "alice", "alice-pass-123"));
    expect([e.code, e.reason]).toEqual(["unavailable", "unreachable"]);
    expect(e.message).toBe(`cannot reach the LDAP server ${down.ldapsUrl} (ECONNREFUSED); check the url and that the server runs`);
  });
});

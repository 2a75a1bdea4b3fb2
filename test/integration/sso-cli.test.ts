/**
 * Single sign-on with the real CLI and a real hub process: `dca-hub login
 * --sso` against an OpenID Connect provider (oidc-provider, on loopback; the
 * test plays the browser), and `dca-hub login` with a directory password
 * against Debian's slapd; both set up with the `sso` commands, groups
 * mapped to roles, someone in no mapped group refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type OidcPeer, startOidcPeer } from "../support/oidc-peer.ts";
import { type SlapdPeer, slapdSkipReason, startSlapd } from "../support/slapd-peer.ts";
import { type HubProcess, hubCommand, runCommand, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";

let tmp: string;
let hub: HubProcess;
let oidc: OidcPeer;
let slapd: SlapdPeer | undefined;
const skipLdap = slapdSkipReason();

beforeAll(async () => {
  tmp = tempDir("dca-sso-cli-");
  hub = await startHubProcess(join(tmp, "hub"));
  await hub.must("site", "create", "Acme");
  oidc = await startOidcPeer({ redirectUris: [`${hub.url}/sso/callback`] });
  const secret = join(tmp, "client-secret");
  writeFileSync(secret, `${oidc.clientSecret}\n`, { mode: 0o600 });
  await hub.must("sso", "set-oidc", "--issuer", oidc.issuer, "--client-id", oidc.clientId, "--client-secret-file", secret, "--idp-ca", oidc.caPath, "--scopes", "openid profile email groups");
  await hub.must("sso", "map", "techs", "technician", "--site", "Acme");
  await hub.must("sso", "map", "printadmins", "admin");
  if (!skipLdap) slapd = await startSlapd();
}, 60_000);

afterAll(async () => {
  await oidc?.stop();
  await slapd?.stop();
  await hub?.kill9();
});

/** `dca-hub login --sso` as `account` of the provider: the test is the browser. */
async function ssoLogin(account: string, session: string) {
  const proc = Bun.spawn([...hubCommand(), "login", "--hub", hub.url, "--ca", hub.caPath, "--sso", "--no-browser"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, DCA_HUB_SESSION: session },
  });
  const reader = proc.stderr.getReader();
  let err = "";
  while (!/\n {2}(https:\S+)\n/.test(err)) {
    const { value, done } = await reader.read();
    if (done) break;
    err += new TextDecoder().decode(value);
  }
  const url = /\n {2}(https:\S+)\n/.exec(err)?.[1];
  if (!url) throw new Error(`no URL from dca-hub login --sso:\n${err}`);
  expect(new URL(url).origin).toBe(oidc.issuer);
  // The provider sends the browser to the hub's callback, which sends it on to the CLI's loopback address.
  const back = await oidc.signIn(url, account);
  const atHub = await fetch(back, { redirect: "manual", tls: { ca: await Bun.file(hub.caPath).text() } });
  const location = atHub.headers.get("location") ?? "";
  let page = "";
  if (atHub.status === 302 || atHub.status === 303) {
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    page = await (await fetch(location)).text();
  } else page = await atHub.text();
  const restOfErr = (async () => {
    let more = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) more += new TextDecoder().decode(r.value);
    return more;
  })();
  const [out, rest, code] = await Promise.all([new Response(proc.stdout).text(), restOfErr, proc.exited]);
  return { code, out, err: err + rest, page };
}

describe("single sign-on from the command line", () => {
  test("OpenID Connect: bob of techs signs in in the browser and is a technician of Acme", async () => {
    const session = join(tmp, "bob.session.json");
    const r = await ssoLogin("bob-sub", session);
    expect(r.page).toContain("Signed in to the hub");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`signed in to ${hub.url} as bob`);
    const bob = (...args: string[]) => runCommand([...hubCommand(), ...args], { DCA_HUB_SESSION: session });
    const me = await bob("account", "show");
    expect(me.stdout).toMatch(/Source\s+oidc/);
    expect(me.stdout).toMatch(/Roles\s+technician on Acme/);
    expect((await bob("site", "list")).stdout).toContain("Acme");
    expect((await bob("user", "list")).exitCode).toBe(1);
  });

  test("OpenID Connect: carol, in no mapped group, gets no access", async () => {
    const r = await ssoLogin("carol-sub", join(tmp, "carol.session.json"));
    expect(r.code).toBe(1);
    expect(r.err + r.page).toMatch(/no mapped group|none of .* groups|no role/i);
  });

  test.skipIf(skipLdap !== undefined)("LDAP: alice signs in with her directory password and is an admin; a wrong one is the usual refusal", async () => {
    const bind = join(tmp, "bind-pw");
    writeFileSync(bind, `${slapd!.servicePassword}\n`, { mode: 0o600 });
    await hub.must("sso", "set-ldap", "--url", slapd!.ldapsUrl, "--bind-dn", slapd!.serviceDn, "--bind-password-file", bind, "--user-base", `ou=people,${slapd!.baseDn}`, "--group-base", `ou=groups,${slapd!.baseDn}`, "--idp-ca", slapd!.caPath);
    const pw = join(tmp, "alice-pw");
    writeFileSync(pw, "alice-pass-123\n", { mode: 0o600 });
    const session = join(tmp, "alice.session.json");
    const alice = (...args: string[]) => runCommand([...hubCommand(), ...args], { DCA_HUB_SESSION: session });
    const login = await alice("login", "--hub", hub.url, "--ca", hub.caPath, "--user", "alice", "--password-file", pw);
    expect(login.exitCode, login.stderr).toBe(0);
    expect((await alice("account", "show")).stdout).toMatch(/Source\s+ldap[\s\S]*admin/);
    expect((await alice("user", "list")).exitCode).toBe(0);
    writeFileSync(pw, "not-alices-password\n");
    const wrong = await alice("login", "--hub", hub.url, "--ca", hub.caPath, "--user", "alice", "--password-file", pw);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("sign-in refused: wrong username or password");
    const audit = await hub.must("audit", "list", "--action", "SignIn", "--limit", "50");
    expect(audit).toContain("alice");
  });
});

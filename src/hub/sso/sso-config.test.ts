/** The SSO configs as an admin writes them: defaults filled in, secrets kept out of print, plain text on the network refused. */
import { describe, expect, test } from "bun:test";
import { inspect } from "node:util";
import { ConfigError } from "../../common/config/index.ts";
import { Secret } from "../../common/secret.ts";
import { SSO_DEFAULTS, parseLdapConfig, parseOidcConfig, revealSecrets } from "./sso-config.ts";

function refused(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe("invalid-config");
    expect((e as ConfigError).message).not.toContain("\n");
    return e as ConfigError;
  }
  throw new Error("accepted");
}

const oidc = { issuer: "https://login.example.com/realms/dca", clientId: "dca-hub", clientSecret: "s3cret-value" };
const ldap = { url: "ldaps://dc1.corp.example", bindDn: "CN=svc-dca,OU=Service,DC=corp,DC=example", bindPassword: "b1nd-pass", userBase: "DC=corp,DC=example" };

describe("OIDC config", () => {
  test("defaults, and the client secret never printed", () => {
    const c = parseOidcConfig(oidc);
    // No asymmetric matcher inside toMatchObject: Bun 1.4.5 writes the matcher into the object it checks.
    expect({ ...c, clientSecret: undefined }).toEqual({ ...oidc, clientSecret: undefined, scopes: "openid profile email", groupsClaim: "groups", usernameClaim: "preferred_username" });
    expect(c.clientSecret).toBeInstanceOf(Secret);
    expect(c.clientSecret.reveal()).toBe("s3cret-value");
    for (const printed of [JSON.stringify(c), inspect(c), `${c.clientSecret}`]) expect(printed).not.toContain("s3cret-value");
    expect(revealSecrets(c).clientSecret).toBe("s3cret-value");
    expect(parseOidcConfig(revealSecrets(c))).toEqual(c);
  });

  test("http only on loopback; scopes must include openid", () => {
    for (const issuer of ["http://127.0.0.1:8080/realms/x", "http://localhost:9000", "http://[::1]:9000"]) expect(parseOidcConfig({ ...oidc, issuer }).issuer).toBe(issuer);
    const e = refused(() => parseOidcConfig({ ...oidc, issuer: "http://login.example.com" }));
    expect(e.message).toBe(
      "the OIDC configuration is refused: issuer: must be an https:// URL without query or fragment (http:// only for 127.0.0.1, ::1 or localhost); correct it and try again",
    );
    expect(refused(() => parseOidcConfig({ ...oidc, issuer: "https://x.example/?a=1" })).refusals[0].path).toBe("issuer");
    expect(refused(() => parseOidcConfig({ ...oidc, scopes: "profile email" })).message).toContain('scopes: must include "openid"');
    expect(parseOidcConfig({ ...oidc, scopes: " openid   groups " }).scopes).toBe("openid groups");
  });

  test("every bad field is named, unknown fields too, and no value is echoed", () => {
    const e = refused(() => parseOidcConfig({ issuer: "ftp://x", clientSecret: "", colour: "s3cret-value" }));
    expect(e.refusals.map((r) => r.path).sort()).toEqual(["clientId", "clientSecret", "colour", "issuer"]);
    expect(e.message).not.toContain("s3cret-value");
    expect(e.message).toContain("colour: unknown field");
    expect(e.message).toContain("clientId: missing (it is required)");
  });
});

describe("LDAP config", () => {
  test("defaults, and the bind password never printed", () => {
    const c = parseLdapConfig(ldap);
    expect(c).toMatchObject({
      url: ldap.url,
      startTls: false,
      userFilter: SSO_DEFAULTS.userFilter,
      groupFilter: SSO_DEFAULTS.groupFilter,
      memberOf: true,
      timeoutMs: 5000,
    });
    expect(c.groupBase).toBeUndefined();
    expect(inspect(c)).not.toContain("b1nd-pass");
    expect(JSON.stringify(c)).toContain('"bindPassword":"<secret>"');
  });

  test("ldap:// needs StartTLS unless the server is on this machine", () => {
    const e = refused(() => parseLdapConfig({ ...ldap, url: "ldap://dc1.corp.example" }));
    expect(e.message).toContain("url: ldap:// sends passwords in the clear: use ldaps://, or set startTls to true");
    expect(parseLdapConfig({ ...ldap, url: "ldap://dc1.corp.example:389", startTls: true }).startTls).toBe(true);
    expect(parseLdapConfig({ ...ldap, url: "ldap://127.0.0.1:3389" }).startTls).toBe(false);
    expect(refused(() => parseLdapConfig({ ...ldap, startTls: true })).refusals[0].path).toBe("startTls");
    expect(refused(() => parseLdapConfig({ ...ldap, url: "ldaps://dc1/dc=corp?uid" })).refusals[0].path).toBe("url");
  });

  test("filters must hold their placeholder and parse", () => {
    expect(parseLdapConfig({ ...ldap, userFilter: "(&(objectClass=user)(userPrincipalName={username}))" }).userFilter).toContain("{username}");
    expect(refused(() => parseLdapConfig({ ...ldap, userFilter: "(uid=alice)" })).message).toContain("userFilter: must contain {username}");
    expect(refused(() => parseLdapConfig({ ...ldap, userFilter: "uid={username}" })).message).toContain("must be one filter in parentheses");
    expect(refused(() => parseLdapConfig({ ...ldap, userFilter: "(&(uid={username})" })).message).toContain("unbalanced parentheses");
    expect(refused(() => parseLdapConfig({ ...ldap, groupFilter: "(member={username})" })).message).toContain("groupFilter: must contain {dn}");
    // Active Directory's nested-group rule (LDAP_MATCHING_RULE_IN_CHAIN) is an extensible match the parser knows.
    expect(parseLdapConfig({ ...ldap, groupFilter: "(member:1.2.840.113556.1.4.1941:={dn})" }).groupFilter).toContain("1941");
  });

  test("timeouts are bounded", () => {
    expect(parseLdapConfig({ ...ldap, timeoutMs: 2000 }).timeoutMs).toBe(2000);
    for (const timeoutMs of [0, 100, 600_000, 1.5]) expect(refused(() => parseLdapConfig({ ...ldap, timeoutMs })).refusals[0].path).toBe("timeoutMs");
  });
});

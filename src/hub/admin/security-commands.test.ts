import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { adminRun } from "../../../test/support/admin-run.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { parseLdapConfig, parseOidcConfig, parseRoleMapping } from "../sso/index.ts";

const CLIENT_SECRET = "oidc-client-SECRET-4711";
const BIND_PASSWORD = "ldap-bind-SECRET-0815";

describe("security commands", () => {
  test("show the defaults, change some, refuse values out of range; only owners change them", async () => {
    const h = adminHarness();
    const { run, runWith, everything } = adminRun(h);
    expect(await run("security", "show")).toEqual({
      code: 0,
      err: "",
      out:
        "Require 2FA        off\n" +
        "Lockout            5 failed sign-ins in a row lock an account for 15 minutes\n" +
        "Inactivity         accounts unused for 90 days are disabled\n" +
        "Sessions           end 12 hours after sign-in, or after 60 minutes unused\n" +
        "Audit retention    records older than 365 days are deleted (the chain stays verifiable)\n",
    });
    const set = await run("security", "set", "--require-2fa", "on", "--lockout-minutes", "0", "--inactivity-days", "180", "--session-idle-minutes", "30");
    expect(set.code).toBe(0);
    expect(set.out).toStartWith("security settings changed; they now are:\nRequire 2FA        on: every local account enrols TOTP");
    expect(set.out).toContain("5 failed sign-ins in a row lock an account until an admin unlocks\n");
    expect(h.store.getSecuritySettings()).toMatchObject({ require2fa: true, lockoutMinutes: 0, inactivityDays: 180, sessionIdleMinutes: 30, sessionHours: 12 });
    expect(JSON.parse((await run("security", "show", "--json")).out)).toEqual({
      require2fa: true,
      lockoutAttempts: 5,
      lockoutMinutes: 0,
      inactivityDays: 180,
      sessionHours: 12,
      sessionIdleMinutes: 30,
      auditRetentionDays: 365,
    });
    expect(h.store.listAudit({ action: "SetSecuritySettings", limit: 1 })[0]).toMatchObject({
      actor: "owner",
      target: "security settings",
      detail: { change: { require2fa: true, lockoutMinutes: 0, inactivityDays: 180, sessionIdleMinutes: 30 } },
    });

    expect(await run("security", "set", "--inactivity-days", "181")).toMatchObject({ code: 2, err: expect.stringContaining("setting inactivityDays: must be a whole number from 1 to 180") });
    expect(await run("security", "set", "--require-2fa", "yes")).toMatchObject({ code: 2, err: expect.stringContaining("--require-2fa must be on or off") });
    expect(await run("security", "set")).toMatchObject({ code: 2, err: expect.stringContaining("say what to change") });
    expect(await run("security", "set", "--session-hours", "-3")).toMatchObject({ code: 2 });
    expect(h.store.getSecuritySettings().inactivityDays).toBe(180);

    const admin = h.as("admin");
    expect((await runWith({ api: admin }, "security", "show")).code).toBe(0);
    expect(await runWith({ api: admin }, "security", "set", "--require-2fa", "off")).toMatchObject({ code: 1, err: expect.stringContaining("permission denied") });
    expect(h.store.getSecuritySettings().require2fa).toBe(true);
    expect(everything.join("")).not.toContain("undefined");
  });
});

describe("sso commands", () => {
  test("OIDC and LDAP settings with secrets from files, kept when left out, shown as <secret>; role mapping", async () => {
    const h = adminHarness();
    const { run, runWith, everything } = adminRun(h);
    const dir = tempDir("dca-sso-");
    const secretFile = join(dir, "client-secret");
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    const bindFile = join(dir, "bind");
    writeFileSync(bindFile, BIND_PASSWORD);
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

    expect(await run("sso", "show")).toEqual({
      code: 0,
      err: "",
      out: "OIDC          off\nLDAP          off\nRole mapping  none: single sign-on gives nobody a role yet (dca-hub sso map GROUP ROLE)\n",
    });
    const oidc = ["sso", "set-oidc", "--issuer", "https://login.example.com/tenant/v2.0", "--client-id", "dca-hub"];
    expect(await run(...oidc)).toMatchObject({ code: 2, err: expect.stringContaining("no client secret is stored yet") });
    expect(await run(...oidc, "--client-secret-file", secretFile, "--groups-claim", "roles", "--idp-ca", ca)).toEqual({
      code: 0,
      out: "OIDC sign-in set: issuer https://login.example.com/tenant/v2.0, client dca-hub, client secret set\n",
      err: "",
    });
    const stored = h.store.getSetting("sso.oidc") as Record<string, unknown>;
    expect(stored).toMatchObject({ issuer: "https://login.example.com/tenant/v2.0", clientId: "dca-hub", clientSecret: CLIENT_SECRET, groupsClaim: "roles", caFile: ca });
    expect(parseOidcConfig(stored).clientSecret.reveal()).toBe(CLIENT_SECRET);
    // Changing the client id alone keeps the stored secret.
    expect((await run("sso", "set-oidc", "--issuer", "https://login.example.com/tenant/v2.0", "--client-id", "dca-hub-2")).out).toContain("client secret kept");
    expect(h.store.getSetting("sso.oidc")).toMatchObject({ clientId: "dca-hub-2", clientSecret: CLIENT_SECRET });
    expect(await runWith({ env: { DCA_HUB_OIDC_CLIENT_SECRET: "from-the-environment" } }, ...oidc)).toMatchObject({ code: 0, out: expect.stringContaining("client secret set") });
    expect((h.store.getSetting("sso.oidc") as Record<string, unknown>).clientSecret).toBe("from-the-environment");

    expect(await run("sso", "set-oidc", "--issuer", "http://login.example.com", "--client-id", "x")).toMatchObject({ code: 2, err: expect.stringContaining("issuer: must be an https:// URL") });
    expect(await run(...oidc, "--idp-ca", "ca.pem")).toMatchObject({ code: 2, err: expect.stringContaining("--idp-ca must be an absolute path") });
    expect(await run(...oidc, "--idp-ca", join(dir, "none.pem"))).toMatchObject({ code: 2, err: expect.stringContaining(`cannot read caFile ${join(dir, "none.pem")} (ENOENT)`) });
    expect(await run("sso", "set-oidc", "--issuer", "https://x.example", "--client-id", "x", "--client-secret", "inline")).toMatchObject({ code: 2, err: expect.stringContaining("unknown option --client-secret") });

    const ldap = ["sso", "set-ldap", "--url", "ldaps://dc1.example.com", "--bind-dn", "CN=svc,DC=example,DC=com", "--user-base", "DC=example,DC=com"];
    expect(await run(...ldap, "--bind-password-file", bindFile, "--group-base", "OU=Groups,DC=example,DC=com")).toMatchObject({
      code: 0,
      out: "LDAP sign-in set: ldaps://dc1.example.com, bind CN=svc,DC=example,DC=com, bind password set\n",
    });
    expect(parseLdapConfig(h.store.getSetting("sso.ldap")).bindPassword.reveal()).toBe(BIND_PASSWORD);
    expect(await run("sso", "set-ldap", "--url", "ldap://dc1.example.com", "--bind-dn", "x", "--user-base", "y")).toMatchObject({ code: 2, err: expect.stringContaining("ldap:// sends passwords in the clear") });
    expect((await run(...ldap, "--start-tls")).code).toBe(2);

    await run("site", "create", "Acme");
    await run("group", "create", "North");
    expect((await run("sso", "map", "CN=PrintAdmins,OU=Groups,DC=example,DC=com", "admin")).out).toBe(
      `members of "CN=PrintAdmins,OU=Groups,DC=example,DC=com" get admin everywhere at their next single sign-on (1 mapping line)\n`,
    );
    expect((await run("sso", "map", "helpdesk", "technician", "--site", "Acme")).out).toContain(`get technician on site Acme at their next single sign-on (2 mapping lines)`);
    expect((await run("sso", "map", "helpdesk", "viewer", "--group", "North")).out).toContain("(3 mapping lines)");
    expect((await run("sso", "map", "HELPDESK", "admin", "--site", "Acme")).out).toContain("(3 mapping lines)");
    expect(await run("sso", "map", "x", "viewer", "--site", "Nowhere")).toMatchObject({ code: 1, err: expect.stringContaining(`names an unknown site "Nowhere"`) });
    expect(await run("sso", "map", "x", "boss")).toMatchObject({ code: 2, err: expect.stringContaining("role: must be one of owner, admin") });
    expect(parseRoleMapping(h.store.getSetting("sso.role_mapping"))).toEqual([
      { group: "CN=PrintAdmins,OU=Groups,DC=example,DC=com", role: "admin" },
      { group: "helpdesk", role: "viewer", siteGroup: "North" },
      { group: "HELPDESK", role: "admin", site: "Acme" },
    ]);

    const shown = await run("sso", "show");
    expect(shown.out).toContain("OIDC          issuer https://login.example.com/tenant/v2.0, client dca-hub, secret <secret>, groups claim groups\n");
    expect(shown.out).toContain("LDAP          ldaps://dc1.example.com, bind CN=svc,DC=example,DC=com, users under DC=example,DC=com, groups under OU=Groups,DC=example,DC=com\n");
    expect(shown.out).toMatch(/Role mapping\n {2}GROUP\s+ROLE\s+WHERE\n {2}CN=PrintAdmins,OU=Groups,DC=example,DC=com\s+admin\s+everywhere\n {2}helpdesk\s+viewer\s+group North\n/);
    const json = JSON.parse((await run("sso", "show", "--json")).out);
    expect(json.oidc.clientSecret).toBe("<secret>");
    expect(json.ldap.bindPassword).toBe("<secret>");

    expect((await run("sso", "unmap", "helpdesk")).out).toBe(`group "helpdesk" unmapped (2 lines); its members lose those roles at their next single sign-on\n`);
    expect(await run("sso", "unmap", "helpdesk")).toMatchObject({ code: 1, err: expect.stringContaining(`no role mapping for group "helpdesk"`) });
    expect((await run("sso", "unmap", "CN=PrintAdmins,OU=Groups,DC=example,DC=com")).code).toBe(0);
    expect(h.store.getSetting("sso.role_mapping")).toBeUndefined();
    expect((await run("sso", "off", "oidc")).out).toBe("OIDC sign-in off (its settings are removed; sessions already open run until they end)\n");
    expect(h.store.getSetting("sso.oidc")).toBeUndefined();
    expect(h.store.getSetting("sso.ldap")).toBeDefined();
    expect((await run("sso", "off", "saml")).code).toBe(2);

    const admin = h.as("admin");
    expect(await runWith({ api: admin }, "sso", "show")).toMatchObject({ code: 1, err: expect.stringContaining("permission denied") });
    const audit = JSON.stringify(h.store.listAudit({ limit: 10_000 }));
    expect(audit).toContain(`"oidc":"set (https://login.example.com/tenant/v2.0)"`);
    for (const secret of [CLIENT_SECRET, BIND_PASSWORD, "from-the-environment"]) {
      expect(audit).not.toContain(secret);
      expect(everything.join("\n")).not.toContain(secret);
    }
  });
});

/** Groups to roles: names and DNs matched in any case and spelling, no group no access, identities cleaned. */
import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../common/config/index.ts";
import { DcaError } from "../../common/errors.ts";
import { type ExternalIdentity, externalIdentity, mapGroups, parseRoleMapping, requireGrants } from "./map-groups.ts";

const ldapUser = (groups: string[]): ExternalIdentity =>
  externalIdentity({ source: "ldap", externalId: "uid=alice,ou=people,dc=corp", username: "alice", displayName: "", email: "", groups });
const oidcUser = (groups: string[]): ExternalIdentity =>
  externalIdentity({ source: "oidc", externalId: "https://idp sub-1", username: "alice", displayName: "Alice", email: "a@x", groups });

describe("mapGroups", () => {
  const mapping = parseRoleMapping([
    { group: "Print Admins", role: "admin" },
    { group: "CN=Techs North,OU=Groups,DC=corp,DC=example", role: "technician", siteGroup: "north" },
    { group: "billing", role: "billing" },
    { group: "/dca/viewers", role: "viewer", site: "Acme Dental" },
  ]);

  test("LDAP: a name matches the group DN's first RDN; a DN matches in any case and spacing", () => {
    const who = ldapUser(["cn=print admins,ou=groups,dc=corp,dc=example", "cn=techs north, ou=groups, dc=corp, dc=example"]);
    expect(mapGroups(who, mapping)).toEqual([{ role: "admin" }, { role: "technician", siteGroup: "north" }]);
    // Escapes in the DN are undone before comparing: "Print\20Admins" is "Print Admins".
    expect(mapGroups(ldapUser(["CN=Print\\20Admins,DC=corp"]), mapping)).toEqual([{ role: "admin" }]);
    // Another OU's group of the same RDN is not the DN the mapping names.
    expect(mapGroups(ldapUser(["cn=Techs North,ou=Other,dc=corp,dc=example"]), mapping)).toEqual([]);
  });

  test("OIDC: group names compared whole, in any case; DN-looking parts are not picked apart", () => {
    expect(mapGroups(oidcUser(["/DCA/Viewers", "BILLING"]), mapping)).toEqual([{ role: "billing" }, { role: "viewer", site: "Acme Dental" }]);
    expect(mapGroups(oidcUser(["cn=billing,ou=x"]), mapping)).toEqual([]);
  });

  test("each grant once, in the mapping's order", () => {
    const twice = parseRoleMapping([
      { group: "a", role: "viewer" },
      { group: "b", role: "viewer" },
      { group: "b", role: "viewer", site: "S" },
    ]);
    expect(mapGroups(oidcUser(["a", "b"]), twice)).toEqual([{ role: "viewer" }, { role: "viewer", site: "S" }]);
  });

  test("no mapped group: no grants, and requireGrants refuses saying what the provider sent", () => {
    expect(mapGroups(oidcUser(["staff"]), mapping)).toEqual([]);
    let e: unknown;
    try {
      requireGrants(ldapUser(["cn=staff,dc=corp", "cn=all,dc=corp"]), mapping);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DcaError);
    expect([(e as DcaError).code, (e as DcaError).reason]).toEqual(["permission-denied", "no-mapped-group"]);
    expect((e as DcaError).message).toBe(
      "sign-in refused: alice is in none of the groups this hub gives a role to (the directory sent 2 groups); ask an admin to map one of your groups to a role",
    );
    expect(requireGrants(oidcUser(["billing"]), mapping)).toEqual([{ role: "billing" }]);
  });
});

describe("parseRoleMapping", () => {
  test("refuses unknown roles, site and siteGroup together, and empty groups", () => {
    let e: unknown;
    try {
      parseRoleMapping([{ group: "", role: "root" }, { group: "x", role: "viewer", site: "a", siteGroup: "b" }]);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ConfigError);
    const paths = (e as ConfigError).refusals.map((r) => `${r.path}: ${r.message}`);
    expect(paths).toContain("0.group: must not be empty");
    expect(paths).toContain("0.role: must be one of owner, admin, technician, viewer, billing");
    expect(paths).toContain("1: give site or siteGroup, not both");
  });
});

describe("externalIdentity", () => {
  test("strips control characters, bounds lengths, de-duplicates groups in any case", () => {
    const id = externalIdentity({
      source: "oidc",
      externalId: "iss sub",
      username: "mallory\u001b[31m",
      displayName: "",
      email: "m@x\r\n",
      groups: ["Admins", "admins", "", " techs ", "x".repeat(5000)],
    });
    expect(id).toEqual({ source: "oidc", externalId: "iss sub", username: "mallory[31m", displayName: "mallory[31m", email: "m@x", groups: ["Admins", "techs", "x".repeat(1024)] });
  });
});

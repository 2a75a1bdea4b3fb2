/**
 * The small directory the slapd peer serves: a service account the hub binds
 * as, people in groups (groupOfNames), one person in no group, and one whose
 * DN holds filter metacharacters, so a group search that does not escape the
 * DN it puts into its filter fails to find that person's groups.
 */
import { createHash, randomBytes } from "node:crypto";

/** A person in the directory. */
export interface SlapdUser {
  uid: string;
  /** The RDN's value: cn=<cn>,ou=people,<base>. */
  cn: string;
  displayName: string;
  mail: string;
  password: string;
  /** Names (cn) of the groups the person is in. */
  groups: string[];
}

/** What the peer loads. */
export interface SlapdDirectory {
  baseDn: string;
  service: { dn: string; password: string };
  users: SlapdUser[];
  /** Group names (cn) under ou=groups; each a groupOfNames. */
  groups: string[];
}

/** alice in printadmins, bob in techs, carol in none, dave (DN "cn=Dave (Ops)*,...") in techs. */
export const SLAPD_DIRECTORY: SlapdDirectory = {
  baseDn: "dc=dca,dc=test",
  service: { dn: "cn=dca-hub,ou=services,dc=dca,dc=test", password: "service-pass-123" },
  users: [
    { uid: "alice", cn: "Alice Admin", displayName: "Alice Admin", mail: "alice@dca.test", password: "alice-pass-123", groups: ["printadmins"] },
    { uid: "bob", cn: "Bob Tech", displayName: "Bob Tech", mail: "bob@dca.test", password: "bob-pass-123", groups: ["techs"] },
    { uid: "carol", cn: "Carol Nogroup", displayName: "Carol Nogroup", mail: "carol@dca.test", password: "carol-pass-123", groups: [] },
    { uid: "dave", cn: "Dave (Ops)*", displayName: "Dave (Ops)", mail: "dave@dca.test", password: "dave-pass-123", groups: ["techs"] },
  ],
  groups: ["printadmins", "techs", "empty"],
};

/** The DN of a person of the directory (the value escaped as RFC 4514 asks; "(", ")" and "*" need none). */
export function userDn(d: SlapdDirectory, u: SlapdUser): string {
  return `cn=${u.cn},ou=people,${d.baseDn}`;
}

/** The DN of a group of the directory. */
export function groupDn(d: SlapdDirectory, name: string): string {
  return `cn=${name},ou=groups,${d.baseDn}`;
}

/** An OpenLDAP {SSHA} hash, so no password sits in the directory in the clear. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash("sha1").update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString("base64")}`;
}

type Attributes = Record<string, string | string[]>;

/** Every entry in the order it can be added: the base, the folders, the service account, people, then groups. */
export function directoryEntries(d: SlapdDirectory): { dn: string; attributes: Attributes }[] {
  const dc = /^dc=([^,]+)/.exec(d.baseDn)![1];
  const ou = (name: string) => ({ dn: `ou=${name},${d.baseDn}`, attributes: { objectClass: "organizationalUnit", ou: name } });
  const service = /^cn=([^,]+)/.exec(d.service.dn)![1];
  const entries: { dn: string; attributes: Attributes }[] = [
    { dn: d.baseDn, attributes: { objectClass: ["dcObject", "organization"], dc, o: "dca test" } },
    ou("people"),
    ou("groups"),
    ou("services"),
    {
      dn: d.service.dn,
      attributes: { objectClass: ["applicationProcess", "simpleSecurityObject"], cn: service, userPassword: sshaHash(d.service.password) },
    },
  ];
  for (const u of d.users) {
    entries.push({
      dn: userDn(d, u),
      attributes: {
        objectClass: "inetOrgPerson",
        cn: u.cn,
        sn: u.cn.split(" ").at(-1)!,
        uid: u.uid,
        displayName: u.displayName,
        mail: u.mail,
        userPassword: sshaHash(u.password),
      },
    });
  }
  for (const g of d.groups) {
    const members = d.users.filter((u) => u.groups.includes(g)).map((u) => userDn(d, u));
    // groupOfNames needs at least one member: an empty group names the service account, as directories often do.
    entries.push({ dn: groupDn(d, g), attributes: { objectClass: "groupOfNames", cn: g, member: members.length > 0 ? members : [d.service.dn] } });
  }
  return entries;
}

/**
 * Who an identity provider says someone is, and what that person may do at
 * the hub: the groups the provider lists are matched against the hub's
 * role mapping (group -> role, globally, on a site or on a site group). A
 * person in no mapped group gets nothing: signing in through SSO never
 * grants access by itself.
 */
import * as v from "valibot";
import { DcaError } from "../../common/errors.ts";
import { ConfigError } from "../../common/config/index.ts";
import { cleanText } from "../../common/text.ts";
import { dnKey, parseDn } from "./ldap-filter.ts";
import { refusalsOf } from "./sso-config.ts";

/** A person as an identity provider vouches for them. */
export interface ExternalIdentity {
  source: "oidc" | "ldap";
  /** Stable and unique per provider: OIDC issuer + " " + sub; LDAP the person's DN. */
  externalId: string;
  username: string;
  displayName: string;
  /** Empty when the provider gives none. */
  email: string;
  /** Group names (OIDC) or DNs (LDAP), as the provider spells them. */
  groups: string[];
}

/** The roles SSO may grant (the hub's roles; src/hub/access owns what each may do). */
export const SSO_ROLES = ["owner", "admin", "technician", "viewer", "billing"] as const;
/** One of {@link SSO_ROLES}. */
export type SsoRole = (typeof SSO_ROLES)[number];

/** A role on everything, on one site, or on one site group. */
export interface Grant {
  role: SsoRole;
  site?: string;
  siteGroup?: string;
}

/** One line of the mapping: members of `group` (a DN or a name, any case) get `role`. */
export interface RoleMappingEntry extends Grant {
  group: string;
}

/** The hub's group -> role mapping. */
export type RoleMapping = RoleMappingEntry[];

const name = (max: number) => v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(max));
const entrySchema = v.pipe(
  v.strictObject({
    group: name(1024),
    role: v.picklist(SSO_ROLES, `must be one of ${SSO_ROLES.join(", ")}`),
    site: v.optional(name(256)),
    siteGroup: v.optional(name(256)),
  }),
  v.check((e) => e.site === undefined || e.siteGroup === undefined, "give site or siteGroup, not both"),
);
const mappingSchema = v.pipe(v.array(entrySchema), v.maxLength(1000, "must have at most 1000 entries"));

/** Checks a role mapping; throws a ConfigError (invalid-config) naming every bad entry. */
export function parseRoleMapping(raw: unknown): RoleMapping {
  const r = v.safeParse(mappingSchema, raw);
  if (r.success) return r.output;
  const list = refusalsOf(r.issues);
  throw new ConfigError(`the SSO role mapping is refused: ${list.map((x) => `${x.path}: ${x.message}`).join("; ")}; correct it and try again`, list);
}

const MAX_GROUPS = 1000;

/** An ExternalIdentity from what a provider sent: control characters gone, lengths bounded, groups de-duplicated. */
export function externalIdentity(parts: ExternalIdentity): ExternalIdentity {
  const seen = new Set<string>();
  const groups: string[] = [];
  for (const raw of parts.groups) {
    const g = cleanText(raw, 1024);
    if (g === "" || seen.has(g.toLowerCase()) || groups.length >= MAX_GROUPS) continue;
    seen.add(g.toLowerCase());
    groups.push(g);
  }
  const username = cleanText(parts.username, 256);
  return {
    source: parts.source,
    externalId: cleanText(parts.externalId, 2048),
    username,
    displayName: cleanText(parts.displayName, 256) || username,
    email: cleanText(parts.email, 320),
    groups,
  };
}

/**
 * Whether a mapping line's group names this provider group: the same text
 * (any case), the same DN (RFC 4514 spellings compared), or, for LDAP, a
 * plain name equal to the first RDN's value ("printadmins" for
 * "cn=printadmins,ou=groups,..."; give the DN where names repeat across OUs).
 */
function groupMatches(wanted: string, group: string, source: ExternalIdentity["source"]): boolean {
  if (wanted.toLowerCase() === group.toLowerCase()) return true;
  if (source !== "ldap") return false;
  if (wanted.includes("=")) {
    const key = dnKey(wanted);
    return key !== undefined && key === dnKey(group);
  }
  const first = parseDn(group)?.[0];
  return first !== undefined && first.value.toLowerCase() === wanted.toLowerCase();
}

/** The grants the mapping gives this identity (none: no access), each once, in the mapping's order. */
export function mapGroups(identity: ExternalIdentity, mapping: RoleMapping): Grant[] {
  const grants: Grant[] = [];
  const seen = new Set<string>();
  for (const entry of mapping) {
    if (!identity.groups.some((g) => groupMatches(entry.group, g, identity.source))) continue;
    const grant: Grant = { role: entry.role };
    if (entry.site !== undefined) grant.site = entry.site;
    if (entry.siteGroup !== undefined) grant.siteGroup = entry.siteGroup;
    const key = JSON.stringify([grant.role, grant.site ?? null, grant.siteGroup ?? null]);
    if (!seen.has(key)) grants.push(grant), seen.add(key);
  }
  return grants;
}

/** The grants for this identity; throws permission-denied (reason "no-mapped-group") when there are none. */
export function requireGrants(identity: ExternalIdentity, mapping: RoleMapping): Grant[] {
  const grants = mapGroups(identity, mapping);
  if (grants.length > 0) return grants;
  const sent = identity.groups.length === 0 ? "no groups" : `${identity.groups.length} group${identity.groups.length === 1 ? "" : "s"}`;
  throw new DcaError(
    "permission-denied",
    `sign-in refused: ${identity.username} is in none of the groups this hub gives a role to (the ${identity.source === "oidc" ? "OIDC provider" : "directory"} sent ${sent}); ask an admin to map one of your groups to a role`,
    { reason: "no-mapped-group" },
  );
}

/**
 * What the hub needs to sign people in through an identity provider: an
 * OpenID Connect issuer or an LDAP/Active Directory server, checked with
 * valibot before anything talks to them. Passwords and client secrets become
 * Secrets at once, so a config printed or logged shows `<secret>`. Plain
 * text on the network is refused except to this machine (loopback), where
 * nothing crosses a wire.
 */
import * as v from "valibot";
import { ConfigError, type Refusal } from "../../common/config/index.ts";
import { Secret } from "../../common/secret.ts";
import { checkFilterTemplate } from "./ldap-filter.ts";

/** An OpenID Connect issuer the hub trusts (Entra ID, Google, Okta, Keycloak...). */
export interface OidcConfig {
  /** The issuer URL as the provider names itself (https; http only on loopback). */
  issuer: string;
  clientId: string;
  clientSecret: Secret;
  /** Space-separated scopes asked for; "openid" is always among them. */
  scopes: string;
  /** The claim (ID token or userinfo) that lists the person's groups. */
  groupsClaim: string;
  /** The claim that names the person; email, then sub, when it is missing. */
  usernameClaim: string;
  /** A PEM file of the CA(s) to trust for the issuer (a private Keycloak); the system's CAs otherwise. */
  caFile?: string;
}

/** An LDAP or Active Directory server. */
export interface LdapConfig {
  /** ldaps://host[:port], or ldap://host[:port] with startTls (plain only on loopback). */
  url: string;
  startTls: boolean;
  /** The service account that searches the directory, and its password. */
  bindDn: string;
  bindPassword: Secret;
  /** Where people are searched (subtree). */
  userBase: string;
  /** An RFC 4515 filter with {username}, which is escaped before it goes in. */
  userFilter: string;
  /** Where groups are searched (subtree); no group search without it. */
  groupBase?: string;
  /** An RFC 4515 filter with {dn}, the person's DN, escaped before it goes in. */
  groupFilter: string;
  /** Whether the person's memberOf attribute lists their groups (AD, OpenLDAP's memberof overlay). */
  memberOf: boolean;
  /** A PEM file of the CA(s) to trust for the server; the system's CAs otherwise. */
  caFile?: string;
  /** Bound on connecting and on each operation. */
  timeoutMs: number;
}

/** Defaults of the optional fields. */
export const SSO_DEFAULTS = {
  scopes: "openid profile email",
  groupsClaim: "groups",
  usernameClaim: "preferred_username",
  userFilter: "(|(sAMAccountName={username})(uid={username}))",
  groupFilter: "(|(member={dn})(uniqueMember={dn}))",
  timeoutMs: 5000,
} as const;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/** Whether a URL's host is this machine (127.0.0.0/8, ::1, localhost). */
export const isLoopbackUrl = (url: URL): boolean => LOOPBACK.test(url.hostname);

const text = (max: number) => v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"), v.maxLength(max, `must be at most ${max} characters`));
const secretText = v.pipe(
  v.union([v.pipe(v.string(), v.nonEmpty("must not be empty"), v.maxLength(1024)), v.instance(Secret)], "must be a string"),
  v.transform((s) => (s instanceof Secret ? s : new Secret(s))),
);
const pemFile = v.optional(text(4096));
const parsedUrl = (s: string): URL | undefined => (URL.canParse(s) ? new URL(s) : undefined);

const issuer = v.pipe(
  text(2048),
  v.check((s) => {
    const u = parsedUrl(s);
    return !!u && !u.search && !u.hash && !u.username && (u.protocol === "https:" || (u.protocol === "http:" && isLoopbackUrl(u)));
  }, "must be an https:// URL without query or fragment (http:// only for 127.0.0.1, ::1 or localhost)"),
);

const oidcSchema = v.strictObject({
  issuer,
  clientId: text(512),
  clientSecret: secretText,
  scopes: v.pipe(
    v.optional(text(1024), SSO_DEFAULTS.scopes),
    v.check((s) => s.split(/\s+/).includes("openid"), 'must include "openid"'),
    v.transform((s) => s.split(/\s+/).join(" ")),
  ),
  groupsClaim: v.optional(text(256), SSO_DEFAULTS.groupsClaim),
  usernameClaim: v.optional(text(256), SSO_DEFAULTS.usernameClaim),
  caFile: pemFile,
});

const filter = (placeholder: string) =>
  v.pipe(
    text(2048),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? checkFilterTemplate(dataset.value, placeholder) : undefined;
      if (problem) addIssue({ message: problem });
    }),
  );

const ldapSchema = v.pipe(
  v.strictObject({
    url: v.pipe(
      text(2048),
      v.check((s) => {
        const u = parsedUrl(s);
        return !!u && (u.protocol === "ldap:" || u.protocol === "ldaps:") && (u.pathname === "" || u.pathname === "/") && !u.search && !u.username;
      }, "must be ldaps://host[:port] or ldap://host[:port]"),
    ),
    startTls: v.optional(v.boolean(), false),
    bindDn: text(1024),
    bindPassword: secretText,
    userBase: text(1024),
    userFilter: v.optional(filter("{username}"), SSO_DEFAULTS.userFilter),
    groupBase: v.optional(text(1024)),
    groupFilter: v.optional(filter("{dn}"), SSO_DEFAULTS.groupFilter),
    memberOf: v.optional(v.boolean(), true),
    caFile: pemFile,
    timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(60_000)), SSO_DEFAULTS.timeoutMs),
  }),
  v.forward(
    v.check((c) => {
      const u = new URL(c.url);
      return u.protocol === "ldaps:" || c.startTls || isLoopbackUrl(u);
    }, "ldap:// sends passwords in the clear: use ldaps://, or set startTls to true"),
    ["url"],
  ),
  v.forward(
    v.check((c) => !(c.startTls && c.url.startsWith("ldaps:")), "startTls is for ldap:// (ldaps:// is TLS from the start)"),
    ["startTls"],
  ),
);

/** The refusals of a valibot parse, as "path: message" without the value received (it may be a secret). */
export function refusalsOf(issues: readonly v.BaseIssue<unknown>[]): Refusal[] {
  return issues.map((i) => {
    const path = i.path?.map((p) => String(p.key)).join(".") || "(top level)";
    const unknown = i.type === "strict_object" && i.received !== "undefined";
    const message = unknown ? "unknown field" : i.type === "strict_object" ? "missing (it is required)" : i.message.replace(/ but received .*$/, "");
    return { path, message };
  });
}

function parseWith<T>(schema: v.GenericSchema<unknown, T>, raw: unknown, what: string): T {
  const r = v.safeParse(schema, raw);
  if (r.success) return r.output;
  const list = refusalsOf(r.issues);
  throw new ConfigError(`the ${what} is refused: ${list.map((x) => `${x.path}: ${x.message}`).join("; ")}; correct it and try again`, list);
}

/** Checks an OIDC config; throws a ConfigError (invalid-config) that names every bad field. */
export const parseOidcConfig = (raw: unknown): OidcConfig => parseWith(oidcSchema, raw, "OIDC configuration");

/** Checks an LDAP config; throws a ConfigError (invalid-config) that names every bad field. */
export const parseLdapConfig = (raw: unknown): LdapConfig => parseWith(ldapSchema, raw, "LDAP configuration");

/** A config with its Secrets as plain strings, for the one place that stores it (never for printing). */
export function revealSecrets<T extends object>(config: T): { [K in keyof T]: T[K] extends Secret ? string : T[K] } {
  return Object.fromEntries(Object.entries(config).map(([k, val]) => [k, val instanceof Secret ? val.reveal() : val])) as never;
}

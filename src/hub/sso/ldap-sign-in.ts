/**
 * Signing someone in against LDAP or Active Directory: bind as the service
 * account, find the one entry the username names (escaped filter), bind as
 * that entry with the password, read the person's groups (memberOf and/or a
 * group search, as the service account), unbind. One connection, TLS before
 * any password is sent, each step bounded by timeoutMs.
 *
 * The person's mistakes are refusals (returned): an unknown username and a
 * wrong password give the same refusal, and an unknown username still costs
 * a bind, so neither the answer nor its timing tells which names exist. The
 * system's problems (unreachable, untrusted certificate, service account
 * refused) are thrown as DcaErrors (ldap-errors.ts).
 */
import { randomBytes } from "node:crypto";
import { isIP, connect as netConnect } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { Client, type Entry } from "ldapts";
import { type Secret, secret } from "../../common/secret.ts";
import { fillFilter } from "./ldap-filter.ts";
import { type LdapStage, isInvalidCredentials, ldapFailure } from "./ldap-errors.ts";
import { type ExternalIdentity, externalIdentity } from "./map-groups.ts";
import type { LdapConfig } from "./sso-config.ts";
import { readCaFile } from "./tls-trust.ts";

/** The one text for every refused password sign-in (the hub's local accounts say the same). */
export const SIGN_IN_REFUSED = "sign-in refused: wrong username or password, or the account is locked or disabled; ask an admin if this keeps happening";

/** A sign-in refused because of what the person typed. */
export interface SignInRefusal {
  refused: true;
  /** bad-credentials: unknown user or wrong password (one answer for both); empty-password: nothing sent; ambiguous-user: the filter matched several entries. */
  reason: "bad-credentials" | "empty-password" | "ambiguous-user";
  message: string;
}

/** Whether a sign-in result is a refusal. */
export const isRefusal = (r: ExternalIdentity | SignInRefusal): r is SignInRefusal => "refused" in r;

const refusal = (reason: SignInRefusal["reason"]): SignInRefusal => ({
  refused: true,
  reason,
  message: reason === "empty-password" ? "sign-in refused: the password is empty; type your password" : SIGN_IN_REFUSED,
});

const ATTRIBUTES = ["uid", "sAMAccountName", "cn", "displayName", "mail", "memberOf"];
const MAX_GROUPS = 1000;
const USERNAME = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** A client that opens exactly one connection: should it drop, ldapts would reconnect in plain text without StartTLS. */
function oneConnectionClient(config: LdapConfig, tls: ConnectionOptions): Client {
  let opened = false;
  const once = <T>(open: () => T): T => {
    if (opened) throw new Error("connection lost: the LDAP server closed the connection");
    opened = true;
    return open();
  };
  let upgraded = false;
  return new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    // Only for ldaps://: ldapts speaks TLS from the first byte whenever tlsOptions are set, even on ldap:// (StartTLS then breaks).
    ...(config.url.startsWith("ldaps:") ? { tlsOptions: tls } : {}),
    createConnection: ((port: number, host: string) => once(() => netConnect(port, host))) as never,
    createSecureConnection: ((...args: unknown[]) => {
      if (typeof args[0] === "object") {
        // The StartTLS upgrade of the connection already open.
        if (upgraded) throw new Error("connection lost: StartTLS asked twice");
        upgraded = true;
        return tlsConnect({ ...(args[0] as ConnectionOptions), ...tls });
      }
      return once(() => tlsConnect(args[0] as number, args[1] as string, tls));
    }) as never,
  });
}

const values = (v: Entry[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => x.toString()));
const first = (entry: Entry, ...names: string[]): string => names.map((n) => values(entry[n])[0]).find((x) => x !== undefined && x !== "") ?? "";

/**
 * Signs `username` in with `password`; an ExternalIdentity (source "ldap",
 * externalId the entry's DN, groups as DNs) or a SignInRefusal. Throws a
 * DcaError when the directory cannot answer (see ldap-errors.ts).
 */
export async function ldapSignIn(config: LdapConfig, username: string, password: string | Secret): Promise<ExternalIdentity | SignInRefusal> {
  const pass = secret(password);
  // An empty password makes a simple bind "unauthenticated" (RFC 4513 5.1.2), which many servers answer with success.
  if (pass.length === 0) return refusal("empty-password");
  if (!USERNAME.test(username)) return refusal("bad-credentials");
  const host = new URL(config.url).hostname.replace(/^\[(.*)\]$/, "$1");
  const tls: ConnectionOptions = { minVersion: "TLSv1.2", host, ...(isIP(host) ? {} : { servername: host }) };
  if (config.caFile) tls.ca = readCaFile(config.caFile, "caFile");
  const client = oneConnectionClient(config, tls);
  let stage: LdapStage = "connect";
  const step = async <T>(s: LdapStage, run: () => Promise<T>): Promise<T> => {
    stage = s;
    return run();
  };
  try {
    // A copy: ldapts writes the socket into the options it is given.
    if (config.startTls) await step("starttls", () => client.startTLS({ ...tls }));
    await step("service-bind", () => client.bind(config.bindDn, config.bindPassword.reveal()));
    const { searchEntries } = await step("user-search", () =>
      client.search(config.userBase, {
        scope: "sub",
        filter: fillFilter(config.userFilter, { username }),
        sizeLimit: 2,
        timeLimit: Math.ceil(config.timeoutMs / 1000),
        attributes: ATTRIBUTES,
      }),
    );
    if (searchEntries.length > 1) return refusal("ambiguous-user");
    const entry = searchEntries[0];
    // No such person: bind anyway, as a DN that cannot exist, so this answer takes as long as a wrong password's.
    const dn = entry?.dn ?? `cn=dca-no-such-user-${randomBytes(8).toString("hex")},${config.userBase}`;
    try {
      await step("user-bind", () => client.bind(dn, pass.reveal()));
    } catch (e) {
      if (isInvalidCredentials(e)) return refusal("bad-credentials");
      throw e;
    }
    if (!entry) return refusal("bad-credentials");
    const groups = config.memberOf ? values(entry.memberOf) : [];
    if (config.groupBase) {
      await step("service-bind", () => client.bind(config.bindDn, config.bindPassword.reveal()));
      const found = await step("group-search", () =>
        client.search(config.groupBase!, {
          scope: "sub",
          filter: fillFilter(config.groupFilter, { dn: entry.dn }),
          sizeLimit: MAX_GROUPS,
          timeLimit: Math.ceil(config.timeoutMs / 1000),
          attributes: ["dn"],
        }),
      );
      groups.push(...found.searchEntries.map((g) => g.dn));
    }
    const name = first(entry, "uid", "sAMAccountName") || username;
    return externalIdentity({
      source: "ldap",
      externalId: entry.dn,
      username: name,
      displayName: first(entry, "displayName", "cn") || name,
      email: first(entry, "mail"),
      groups,
    });
  } catch (e) {
    throw ldapFailure(e, config, stage);
  } finally {
    await client.unbind().catch(() => {});
  }
}

/**
 * LDAP failures that are the hub's or the directory's problem, not the
 * person's, sorted so an admin can act: the server cannot be reached, its
 * certificate is not trusted, the service account is refused, a base DN is
 * wrong. None of them is a "wrong password": those are refusals
 * (ldap-sign-in.ts) and must look alike for unknown users and wrong
 * passwords. No message carries a password.
 */
import { ResultCodeError } from "ldapts";
import { DcaError } from "../../common/errors.ts";
import type { LdapConfig } from "./sso-config.ts";
import { describeTlsFailure, errorCodes } from "./tls-trust.ts";

/** What the hub was doing when the failure came. */
export type LdapStage = "connect" | "starttls" | "service-bind" | "user-search" | "user-bind" | "group-search";

/** LDAP result codes (RFC 4511 4.1.9) the messages below name. */
export const LDAP_RESULT = {
  sizeLimitExceeded: 4,
  confidentialityRequired: 13,
  noSuchObject: 32,
  invalidDnSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
} as const;

const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EPIPE", "EADDRNOTAVAIL"]);

/** Whether an error is the server's "invalid credentials" (49). */
export const isInvalidCredentials = (e: unknown): boolean => e instanceof ResultCodeError && e.code === LDAP_RESULT.invalidCredentials;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 300);
}

/** A DcaError for `e`, met at `stage` against the server of `config`. */
export function ldapFailure(e: unknown, config: LdapConfig, stage: LdapStage): DcaError {
  if (e instanceof DcaError) return e;
  const server = `the LDAP server ${config.url}`;
  // A result code is the server's answer over a working connection, never a TLS failure.
  const tls = e instanceof ResultCodeError ? undefined : describeTlsFailure(e, server, "caFile", config.caFile);
  if (tls) return new DcaError("unavailable", tls, { cause: e, reason: "tls" });
  const codes = errorCodes(e);
  const text = firstLine(e);
  const unreachable = codes.find((c) => UNREACHABLE.has(c));
  if (unreachable) {
    return new DcaError("unavailable", `cannot reach ${server} (${unreachable}); check the url and that the server runs`, { cause: e, reason: "unreachable" });
  }
  if (codes.includes("ETIMEDOUT") || /timed? ?out|timeout/i.test(text)) {
    return new DcaError("unavailable", `${server} did not answer within ${config.timeoutMs} ms (${stage}); check the url, the network and the server`, { cause: e, reason: "unreachable" });
  }
  if (e instanceof ResultCodeError) return resultFailure(e, config, stage, server);
  if (/connection closed|socket|connection lost/i.test(text)) {
    return new DcaError("unavailable", `${server} closed the connection (${stage}: ${text}); check that the url's port speaks LDAP and try again`, { cause: e, reason: "unreachable" });
  }
  return new DcaError("internal", `LDAP ${stage} against ${server} failed (${text}); this is a bug in dca: please report it`, { cause: e });
}

function resultFailure(e: ResultCodeError, config: LdapConfig, stage: LdapStage, server: string): DcaError {
  const said = `${e.code} ${e.constructor.name.replace(/Error$/, "")}`;
  const config_ = (message: string, reason: string) => new DcaError("invalid-config", message, { cause: e, reason });
  switch (stage) {
    case "starttls":
      return new DcaError("unavailable", `${server} refused StartTLS (${said}); enable TLS on the server, or use its ldaps:// url`, { cause: e, reason: "tls" });
    case "service-bind":
      if (e.code === LDAP_RESULT.invalidCredentials) {
        return config_(`${server} refused the service account ${config.bindDn} (wrong DN or password, or the account is locked); correct bindDn and bindPassword`, "service-credentials");
      }
      if (e.code === LDAP_RESULT.confidentialityRequired || e.code === LDAP_RESULT.unwillingToPerform) {
        return config_(`${server} refuses binds on this connection (${said}); use ldaps:// or startTls, and check bindDn`, "service-credentials");
      }
      break;
    case "user-search":
    case "group-search": {
      const base = stage === "user-search" ? `userBase ${config.userBase}` : `groupBase ${config.groupBase}`;
      if (e.code === LDAP_RESULT.noSuchObject || e.code === LDAP_RESULT.invalidDnSyntax) {
        return config_(`${server} has no entry ${base} (${said}); correct ${stage === "user-search" ? "userBase" : "groupBase"}`, "base-dn");
      }
      if (e.code === LDAP_RESULT.insufficientAccessRights) {
        return config_(`the service account ${config.bindDn} may not search ${base} (${said}); give it read access there`, "service-access");
      }
      break;
    }
  }
  if (e.code === LDAP_RESULT.busy || e.code === LDAP_RESULT.unavailable) {
    return new DcaError("unavailable", `${server} is busy or unavailable (${said}); try again later`, { cause: e, reason: "unreachable" });
  }
  return new DcaError("unavailable", `${server} refused the ${stage} (${said}: ${firstLine(e)}); check the LDAP settings and the server's log`, { cause: e, reason: "ldap-error" });
}

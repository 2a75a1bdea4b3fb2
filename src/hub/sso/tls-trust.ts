/**
 * Trusting an identity provider's certificate: the CA file an operator gives
 * for a private issuer or directory (a Keycloak or a domain controller with
 * the company's own CA), and words for the TLS failures a person can fix.
 * The file is read at each sign-in, so a renewed CA needs no hub restart.
 */
import { readFileSync, statSync } from "node:fs";
import { DcaError } from "../../common/errors.ts";

const MAX_CA_FILE = 1 << 20;

/** The PEM text of `path` (one or more certificates); throws invalid-config when it cannot be used. */
export function readCaFile(path: string, field: string): string {
  let pem: string;
  try {
    if (statSync(path).size > MAX_CA_FILE) throw new DcaError("invalid-config", `${field} ${path} is over 1 MiB: not a CA file; give the CA's PEM file`);
    pem = readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof DcaError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new DcaError("invalid-config", `cannot read ${field} ${path} (${code}); check the path and that the hub may read it`, { cause: e });
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new DcaError("invalid-config", `${field} ${path} holds no PEM certificate; give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)`);
  }
  return pem;
}

/** Certificate checks that fail when the peer's CA is not trusted (Node's and Bun's codes). */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);
const EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const WRONG_NAME = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);

/** Every `code` along an error's cause chain, outermost first (fetch and ldapts wrap the socket's error). */
export function errorCodes(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") codes.push(code);
  }
  return codes;
}

/**
 * What went wrong with the peer's certificate, as "what happened; what to
 * do", or undefined when the failure is not about trust. `peer` names the
 * server ("the OIDC issuer https://..."), `caField` the config field to set.
 */
export function describeTlsFailure(e: unknown, peer: string, caField: string, caFile: string | undefined): string | undefined {
  const codes = errorCodes(e);
  const code = codes.find((c) => UNTRUSTED.has(c) || EXPIRED.has(c) || WRONG_NAME.has(c));
  if (!code) {
    const text = e instanceof Error ? e.message : String(e);
    if (/certificate|self[- ]signed|TLS|SSL/i.test(text) && !/ECONNREFUSED/.test(text)) {
      return `TLS with ${peer} failed (${text.split("\n")[0]}); check that it speaks TLS there and that ${caField} names its CA`;
    }
    return undefined;
  }
  if (EXPIRED.has(code)) return `${peer} presented a certificate that is expired or not yet valid (${code}); renew its certificate or check the clocks`;
  if (WRONG_NAME.has(code)) return `${peer} presented a certificate for another name (${code}); use the host name its certificate names`;
  const fix = caFile ? `${caFile} (${caField}) is not the CA that signed it: give that CA's PEM file` : `set ${caField} to the PEM file of the CA that signed it`;
  return `${peer} presented a certificate this hub does not trust (${code}); ${fix}`;
}

/**
 * A server certificate for an external broker, signed by the hub's own CA.
 * Agents that pinned the hub's CA at activation trust exactly that CA, for
 * the broker too: a broker certificate from anywhere else would be refused.
 * So when the hub is its own CA, mosquitto's certificate has to come from it.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { certificatePem, issueCertificate, subjectNameOf } from "../tls/issue-certificate.ts";
import { altNames } from "../tls/subject-alt-names.ts";
import { DcaError } from "../../common/errors.ts";

const DAY_MS = 86_400_000;
/** The longest validity browsers and most TLS stacks still accept for a server certificate. */
export const BROKER_CERT_DAYS = 825;
// An hour in the past, as the hub's own certificates: a client whose clock is a little behind still accepts it.
const BACKDATE_MS = 3_600_000;

/** What issueBrokerCertificate made. */
export interface BrokerCertificate {
  /** The broker's private key, PKCS#8 PEM. */
  keyPem: string;
  /** The broker's certificate, then the hub's CA: mosquitto's `certfile`. */
  chainPem: string;
  /** Where the CA is (for the hub's --mqtt-ca). */
  caPath: string;
  notAfter: Date;
}

/**
 * Issues a certificate for `names` (DNS names or addresses) from the CA in
 * `<dataDir>/tls`. Throws a DcaError `failed-precondition` when the hub has no CA of its own.
 */
export function issueBrokerCertificate(dataDir: string, names: readonly string[], opts: { days?: number; now?: Date } = {}): BrokerCertificate {
  if (names.length === 0) throw new DcaError("invalid-argument", "a broker certificate needs at least one name (the host agents reach the broker by)");
  const caPath = join(dataDir, "tls", "ca.crt");
  const caKeyPath = join(dataDir, "tls", "ca.key");
  if (!existsSync(caPath) || !existsSync(caKeyPath)) {
    throw new DcaError(
      "failed-precondition",
      `the hub has no CA of its own in ${join(dataDir, "tls")} (it makes one on its first start without --cert/--key); ` +
        "with an operator's certificate, give the broker one from the same CA",
    );
  }
  let ca: X509Certificate;
  let caKey;
  try {
    ca = new X509Certificate(readFileSync(caPath));
    caKey = createPrivateKey(readFileSync(caKeyPath, "utf8"));
  } catch {
    throw new DcaError("data-loss", `cannot load the hub's CA from ${join(dataDir, "tls")}: the files do not parse`);
  }
  if (!ca.checkPrivateKey(caKey)) throw new DcaError("data-loss", `${caKeyPath} does not belong to ${caPath}`);
  const now = (opts.now ?? new Date()).getTime();
  const days = opts.days ?? BROKER_CERT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > BROKER_CERT_DAYS) throw new DcaError("invalid-argument", `the validity must be 1 to ${BROKER_CERT_DAYS} days, got ${days}`);
  const caEnd = new Date(ca.validTo).getTime();
  if (caEnd <= now) throw new DcaError("failed-precondition", `the hub's CA expired on ${new Date(caEnd).toISOString()}`);
  const notAfter = new Date(Math.min(now + days * DAY_MS, caEnd));
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const alt = altNames(names);
  const der = issueCertificate({
    subjectCommonName: alt[0]!.name,
    publicKey,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter,
    issuerName: subjectNameOf(ca.raw),
    issuerPublicKey: ca.publicKey,
    signingKey: caKey,
    role: { kind: "server", altNames: alt },
  });
  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    chainPem: certificatePem(der) + certificatePem(ca.raw),
    caPath,
    notAfter,
  };
}

/**
 * Self-signed certificates for the simulated printer's HTTPS port, made at
 * test time with the hub's own X.509 writer (src/hub/tls), so any validity
 * window can be had, an expired one included, without openssl or faketime.
 */
import { generateKeyPairSync } from "node:crypto";
import { certificatePem, issueCertificate } from "../../../src/hub/tls/issue-certificate.ts";
import { altNames } from "../../../src/hub/tls/subject-alt-names.ts";

/** A certificate and its key, PEM, for tls.createServer. */
export interface SimCertificate {
  cert: string;
  key: string;
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  commonName: string;
}

const DAY = 24 * 3600 * 1000;

/** A self-signed ECDSA P-256 server certificate; `expired` makes one that ended yesterday. */
export function simCertificate(options: { commonName?: string; names?: string[]; expired?: boolean } = {}): SimCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  // Whole seconds: X.509 times carry no fraction, so tests can compare exactly.
  const second = (t: number) => new Date(Math.floor(t / 1000) * 1000);
  const notBefore = second(options.expired ? now - 400 * DAY : now - DAY);
  const notAfter = second(options.expired ? now - DAY : now + 365 * DAY);
  const commonName = options.commonName ?? "NPI0A1B2C";
  const der = issueCertificate({
    subjectCommonName: commonName,
    publicKey,
    signingKey: privateKey,
    notBefore,
    notAfter,
    role: { kind: "server", altNames: altNames(options.names ?? ["npi0a1b2c.local", "127.0.0.1"]) },
  });
  return {
    cert: certificatePem(der),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    der,
    notBefore,
    notAfter,
    commonName,
  };
}

/**
 * Builds and signs an X.509 v3 certificate (RFC 5280) for an ECDSA P-256
 * key: the hub's own CA, and the server certificate the CA signs.
 */
import { type KeyObject, createHash, randomBytes, sign } from "node:crypto";
import {
  type Der,
  bitString,
  boolean,
  children,
  context,
  element,
  integer,
  octetString,
  oid,
  readTlv,
  sequence,
  set,
  time,
  utf8String,
} from "./der.ts";
import { type AltName, encodeAltNames } from "./subject-alt-names.ts";

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** What the certificate says and who signs it. */
export interface CertificateSpec {
  subjectCommonName: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** The issuer's Name as encoded in its own certificate; the subject's name when self-signed. */
  issuerName?: Der;
  /** The issuer's public key (for the authority key identifier); this certificate's own when self-signed. */
  issuerPublicKey?: KeyObject;
  signingKey: KeyObject;
  /** A CA certificate signs certificates; a server certificate carries names and serverAuth. */
  role: { kind: "ca" } | { kind: "server"; altNames: readonly AltName[] };
}

/** A Name with an organisation and a common name. */
export function distinguishedName(commonName: string): Der {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(OID.organization, "dca"), rdn(OID.commonName, commonName));
}

/** The subject Name of a DER certificate, byte for byte (it becomes the issuer of what it signs). */
export function subjectNameOf(certDer: Uint8Array): Der {
  const tbs = children(certDer, readTlv(certDer, 0))[0];
  // version [0], serial, signature, issuer, validity, subject
  return element(certDer, children(certDer, tbs)[5]);
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = publicKey.export({ type: "spki", format: "der" });
  const bits = children(spki, readTlv(spki, 0))[1];
  return createHash("sha1").update(spki.subarray(bits.start + 1, bits.end)).digest();
}

/** The subjectAltName extension for these names, as encoded: a certificate carries exactly these names if it contains these bytes. */
export function altNamesExtension(names: readonly AltName[]): Der {
  return extension(OID.subjectAltName, false, encodeAltNames(names));
}

function extension(id: string, critical: boolean, value: Der): Der {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** A random positive 16-byte serial (the top bit cleared, the next set so it stays 16 bytes). */
function serialNumber(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes;
}

/** Signs the certificate; returns its DER. */
export function issueCertificate(spec: CertificateSpec): Uint8Array {
  const subject = distinguishedName(spec.subjectCommonName);
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const ownKeyId = keyIdentifier(spec.publicKey);
  const extensions: Der[] = [extension(OID.subjectKeyIdentifier, false, octetString(ownKeyId))];
  extensions.push(
    extension(OID.authorityKeyIdentifier, false, sequence(context(0, octetString(keyIdentifier(spec.issuerPublicKey ?? spec.publicKey)), "implicit"))),
  );
  if (spec.role.kind === "ca") {
    // pathLenConstraint 0: the hub CA signs server certificates, never another CA.
    extensions.push(extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))));
    // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000011x, one unused bit.
    extensions.push(extension(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1)));
  } else {
    extensions.push(extension(OID.basicConstraints, true, sequence()));
    // digitalSignature (bit 0): ECDHE key exchange signs with the server key.
    extensions.push(extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)));
    extensions.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
    extensions.push(altNamesExtension(spec.role.altNames));
  }
  const tbs = sequence(
    context(0, integer(2)),
    integer(serialNumber()),
    algorithm,
    spec.issuerName ?? subject,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    subject,
    spec.publicKey.export({ type: "spki", format: "der" }),
    context(3, sequence(...extensions)),
  );
  const signature = sign("sha256", tbs, { key: spec.signingKey, dsaEncoding: "der" });
  return sequence(tbs, algorithm, bitString(signature));
}

/** PEM text of a DER certificate. */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

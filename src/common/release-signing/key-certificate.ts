/**
 * What the root key signs: certificates of release-signing keys, and the list of
 * signing keys it has revoked. Both are signed blobs (signed-blob.ts); this file
 * says what their bodies hold and checks them after the signature held.
 */
import { keyIdOf, openBlob, type SignedBlob, signBlob } from "./signed-blob.ts";

/** A release-signing key, as the root certifies it. */
export interface KeyCertificate {
  readonly type: "dca-signing-key";
  /** keyIdOf(publicKey). */
  readonly keyId: string;
  /** Base64 of the 32-byte Ed25519 public key. */
  readonly publicKey: string;
  /** ISO 8601: the key may sign releases from this moment... */
  readonly notBefore: string;
  /** ...until this one. A release it signed keeps running after; revoke the key to stop it. */
  readonly notAfter: string;
  /** Increasing per root: which certificate came later, for the record. */
  readonly serial: number;
}

/** The signing keys the root has revoked; the list with the highest serial is the one in force. */
export interface RevocationList {
  readonly type: "dca-revocations";
  readonly serial: number;
  readonly issuedAt: string;
  readonly revoked: readonly { readonly keyId: string; readonly at: string; readonly reason: string }[];
}

/** Certifies `publicKey` (base64) with the root's PKCS#8 PEM private key. */
export function certifyKey(
  rootPrivatePem: string,
  cert: { publicKey: string; notBefore: Date; notAfter: Date; serial: number },
): SignedBlob {
  const body: KeyCertificate = {
    type: "dca-signing-key",
    keyId: keyIdOf(cert.publicKey),
    publicKey: cert.publicKey,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    serial: cert.serial,
  };
  return signBlob("key-certificate", body, rootPrivatePem);
}

/** Signs a revocation list with the root's PKCS#8 PEM private key. */
export function signRevocations(rootPrivatePem: string, list: Omit<RevocationList, "type">): SignedBlob {
  return signBlob("revocation-list", { type: "dca-revocations", ...list } satisfies RevocationList, rootPrivatePem);
}

/** The certificate in `blob` if the root signed it and it is well formed; undefined otherwise. */
export function openCertificate(blob: unknown, rootPublicKey: string): KeyCertificate | undefined {
  const c = openBlob("key-certificate", blob, rootPublicKey) as KeyCertificate | undefined;
  if (c?.type !== "dca-signing-key" || typeof c.publicKey !== "string" || c.keyId !== keyIdOf(c.publicKey)) return undefined;
  if (!isIsoDate(c.notBefore) || !isIsoDate(c.notAfter) || !Number.isSafeInteger(c.serial)) return undefined;
  return c;
}

/** The list in `blob` if the root signed it and it is well formed; undefined otherwise. */
export function openRevocations(blob: unknown, rootPublicKey: string): RevocationList | undefined {
  const l = openBlob("revocation-list", blob, rootPublicKey) as RevocationList | undefined;
  if (l?.type !== "dca-revocations" || !Number.isSafeInteger(l.serial) || !Array.isArray(l.revoked)) return undefined;
  if (!l.revoked.every((r) => typeof r?.keyId === "string")) return undefined;
  return l;
}

/** The newest (highest serial) of the lists the root signed among `blobs`; forged ones are skipped. */
export function newestRevocations(blobs: readonly unknown[], rootPublicKey: string): RevocationList | undefined {
  let newest: RevocationList | undefined;
  for (const b of blobs) {
    const l = openRevocations(b, rootPublicKey);
    if (l && (!newest || l.serial > newest.serial)) newest = l;
  }
  return newest;
}

/** Whether the certificate allowed its key to sign at `at`. */
export function certificateValidAt(cert: KeyCertificate, at: Date): boolean {
  return Date.parse(cert.notBefore) <= at.getTime() && at.getTime() <= Date.parse(cert.notAfter);
}

/** Whether `s` is an ISO 8601 time as toISOString() writes it. */
export function isIsoDate(s: unknown): s is string {
  return typeof s === "string" && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;
}

/**
 * Release keys a test makes for itself: a root, signing keys it certifies, and
 * revocation lists, in memory (PKCS#8 PEM) and as the files build/release.ts reads.
 * Never a real key: docs/release.md says where those live.
 */
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { certifyKey, publicKeyOf, type SignedBlob, signRevocations } from "../../src/common/release-signing/index.ts";

const DAY = 86_400_000;

/** A fresh Ed25519 private key in PKCS#8 PEM. */
export function newPrivateKey(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** A root's certificate of `signingPem`'s key, valid from `from` for `days` (default: from yesterday, a year). */
export function certify(rootPem: string, signingPem: string, from = new Date(Date.now() - DAY), days = 365): SignedBlob {
  return certifyKey(rootPem, { publicKey: publicKeyOf(signingPem), notBefore: from, notAfter: new Date(from.getTime() + days * DAY), serial: 1 });
}

/** A root-signed revocation list with `serial` revoking `keyIds`. */
export function revocations(rootPem: string, serial: number, keyIds: readonly string[] = []): SignedBlob {
  const at = new Date().toISOString();
  return signRevocations(rootPem, { serial, issuedAt: at, revoked: keyIds.map((keyId) => ({ keyId, at, reason: "test" })) });
}

/** A root and one certified signing key, written to `dir` as build/release.ts's options name them. */
export function writeTestChain(dir: string) {
  const rootPem = newPrivateKey();
  const signingPem = newPrivateKey();
  const files = {
    rootPub: join(dir, "root.pub"),
    signingKey: join(dir, "signing.key"),
    cert: join(dir, "signing.cert"),
    revocations: join(dir, "revocations.json"),
  };
  writeFileSync(files.rootPub, `${publicKeyOf(rootPem)}\n`);
  writeFileSync(files.signingKey, signingPem, { mode: 0o600 });
  writeFileSync(files.cert, JSON.stringify(certify(rootPem, signingPem)));
  writeFileSync(files.revocations, JSON.stringify(revocations(rootPem, 1)));
  return { rootPem, signingPem, rootPub: publicKeyOf(rootPem), files };
}

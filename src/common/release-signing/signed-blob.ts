/**
 * Ed25519 keys and signed blobs: the one primitive of release signing.
 *
 * A signed blob carries its body as the exact JSON text that was signed, so a
 * verifier never re-serializes (no canonical-JSON question), and every signature
 * is over `"dca-<kind>-v1\n" + body`, so a signature made for one kind (a key
 * certificate) can never be passed off as another (a release manifest).
 *
 * Public keys travel as base64 of their 32 raw bytes; a key id is "ed25519:" and
 * the first 16 hex digits of the SHA-256 of those bytes, computed, never claimed.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

/** What a signed blob holds: a key certificate, a revocation list, or a release manifest. */
export type BlobKind = "key-certificate" | "revocation-list" | "release-manifest";

/** A body and the signature over it, as stored in a signature bundle. */
export interface SignedBlob {
  /** The JSON text that was signed. */
  readonly body: string;
  /** Base64 of the 64-byte Ed25519 signature. */
  readonly signature: string;
  /** The id of the key that signed it. */
  readonly keyId: string;
}

/** The public key (32 bytes, base64) inside a private key in PKCS#8 PEM. */
export function publicKeyOf(privateKeyPem: string): string {
  const jwk = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: "jwk" });
  return Buffer.from(jwk.x!, "base64url").toString("base64");
}

/** The id of a public key (base64 of its 32 bytes). */
export function keyIdOf(publicKeyB64: string): string {
  return `ed25519:${createHash("sha256").update(Buffer.from(publicKeyB64, "base64")).digest("hex").slice(0, 16)}`;
}

/** A KeyObject for a public key given as base64 of its 32 bytes; undefined if it is not one. */
export function publicKeyObject(publicKeyB64: string): KeyObject | undefined {
  const raw = Buffer.from(publicKeyB64, "base64");
  if (raw.length !== 32 || raw.toString("base64") !== publicKeyB64) return undefined;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  } catch {
    return undefined;
  }
}

function signedBytes(kind: BlobKind, body: string): Buffer {
  return Buffer.from(`dca-${kind}-v1\n${body}`, "utf8");
}

/** Signs `value` (serialized as JSON) as a blob of `kind` with a PKCS#8 PEM private key. */
export function signBlob(kind: BlobKind, value: unknown, privateKeyPem: string): SignedBlob {
  const body = JSON.stringify(value);
  const signature = sign(null, signedBytes(kind, body), createPrivateKey(privateKeyPem)).toString("base64");
  return { body, signature, keyId: keyIdOf(publicKeyOf(privateKeyPem)) };
}

/**
 * The parsed body of `blob` if it is a well-formed blob of `kind` signed by `publicKeyB64`;
 * undefined otherwise (never throws: the caller says what failed, in its words).
 */
export function openBlob(kind: BlobKind, blob: unknown, publicKeyB64: string): unknown {
  if (!isSignedBlob(blob)) return undefined;
  const key = publicKeyObject(publicKeyB64);
  if (key === undefined || blob.keyId !== keyIdOf(publicKeyB64)) return undefined;
  const signature = Buffer.from(blob.signature, "base64");
  if (signature.length !== 64 || !verify(null, signedBytes(kind, blob.body), key, signature)) return undefined;
  try {
    return JSON.parse(blob.body);
  } catch {
    return undefined;
  }
}

/** Whether `v` has the shape of a signed blob (not whether its signature holds). */
export function isSignedBlob(v: unknown): v is SignedBlob {
  const b = v as SignedBlob;
  return typeof v === "object" && v !== null && typeof b.body === "string" && typeof b.signature === "string" && typeof b.keyId === "string";
}

/**
 * Ed25519 SSH key pairs in OpenSSH's own forms (PROTOCOL.key, unencrypted),
 * made and encoded with node:crypto alone: the agent's Device Web Access key
 * and the hub relay's host key. Both sides keep them as files `ssh -i`,
 * `ssh-keygen -l -f` and sshd read.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";

/** A key pair, both in OpenSSH forms. */
export interface SshKeyPair {
  /** "ssh-ed25519 AAAA... COMMENT". */
  publicKey: string;
  /** "-----BEGIN OPENSSH PRIVATE KEY-----...". Never logged. */
  privateKey: string;
}

const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
const KEY_TYPE = "ssh-ed25519";

const sshString = (b: Buffer | string) => {
  const body = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};
const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** The SSH wire form of an Ed25519 public key (string "ssh-ed25519", string key). */
const publicBlob = (pub: Buffer) => Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);

/** The key pair of a 32-byte seed and its 32-byte public key, in OpenSSH forms (PROTOCOL.key, unencrypted). */
export function encodeSshKeyPair(seed: Buffer, pub: Buffer, comment: string): SshKeyPair {
  const check = randomBytes(4);
  let secret = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  // Padded with 1, 2, 3... to the cipher's block size (8 for "none").
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([MAGIC, sshString("none"), sshString("none"), sshString(""), uint32(1), sshString(publicBlob(pub)), sshString(secret)]);
  const lines = body.toString("base64").match(/.{1,70}/g)!;
  return {
    publicKey: `${KEY_TYPE} ${publicBlob(pub).toString("base64")} ${comment}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

/**
 * A new key pair. The JWK form gives the seed and the public key at their full 32 bytes; ssh2's
 * utils.generateKeyPairSync drops a leading zero byte under Bun (1 key in 256 comes out 31 bytes
 * long, a file neither OpenSSH nor ssh2 will read).
 */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return encodeSshKeyPair(Buffer.from(jwk.d!, "base64url"), Buffer.from(jwk.x!, "base64url"), comment);
}

/** The public key line of an OpenSSH private key file; throws if it is not an unencrypted Ed25519 one. */
export function publicKeyOf(privateKey: string, comment: string): string {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(privateKey);
  const body = Buffer.from(m?.[1]?.replace(/\s+/g, "") ?? "", "base64");
  if (!m || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not an OpenSSH private key");
  let at = MAGIC.length;
  const next = () => {
    if (at + 4 > body.length) throw new Error("truncated");
    const len = body.readUInt32BE(at);
    if (at + 4 + len > body.length) throw new Error("truncated");
    const out = body.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return out;
  };
  const cipher = next().toString("latin1");
  next();
  next();
  if (cipher !== "none") throw new Error("the key is encrypted");
  if (body.readUInt32BE(at) !== 1) throw new Error("not exactly one key");
  at += 4;
  const blob = next();
  if (!blob.equals(publicBlob(blob.subarray(blob.length - 32))) || blob.length !== 4 + KEY_TYPE.length + 4 + 32) throw new Error("not an Ed25519 key");
  return `${KEY_TYPE} ${blob.toString("base64")} ${comment}`;
}

/**
 * The agent's Ed25519 SSH key for Device Web Access: made once (at
 * activation, or at the first `dca run` of an agent activated before web
 * access existed), kept in the state folder as an OpenSSH private key file
 * with the identity's protection (mode 0600, atomic write, in the 0700
 * folder). Made and encoded with node:crypto alone: ssh2 is loaded only
 * when a tunnel opens, so an idle `dca run` never pays for it.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DcaError } from "../../common/errors.ts";
import { ensureStateDir } from "../state/ensure-state-dir.ts";
import { writeFileAtomic } from "../state/write-file-atomic.ts";

/** The key file in the state folder (OpenSSH's own format: `ssh -i` can use it when debugging). */
export const SSH_KEY_FILE = "ssh_ed25519_key";

/** The agent's key pair, both in OpenSSH forms. */
export interface SshKeyPair {
  /** "ssh-ed25519 AAAA... dca-agent": what the hub registers. */
  publicKey: string;
  /** "-----BEGIN OPENSSH PRIVATE KEY-----...": what ssh2 signs with. Never logged. */
  privateKey: string;
}

const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
const KEY_TYPE = "ssh-ed25519";
const COMMENT = "dca-agent";

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
export function encodeSshKeyPair(seed: Buffer, pub: Buffer): SshKeyPair {
  const check = randomBytes(4);
  let secret = Buffer.concat([check, check, sshString(KEY_TYPE), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(COMMENT)]);
  // Padded with 1, 2, 3... to the cipher's block size (8 for "none").
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([MAGIC, sshString("none"), sshString("none"), sshString(""), uint32(1), sshString(publicBlob(pub)), sshString(secret)]);
  const lines = body.toString("base64").match(/.{1,70}/g)!;
  return {
    publicKey: `${KEY_TYPE} ${publicBlob(pub).toString("base64")} ${COMMENT}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

/** A new key pair. */
export function generateSshKeyPair(): SshKeyPair {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return encodeSshKeyPair(Buffer.from(jwk.d!, "base64url"), Buffer.from(jwk.x!, "base64url"));
}

/** The public key line of an OpenSSH private key file; throws if it is not an unencrypted Ed25519 one. */
export function publicKeyOf(privateKey: string): string {
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
  return `${KEY_TYPE} ${blob.toString("base64")} ${COMMENT}`;
}

/** The key in `dir`, or undefined when there is none yet. A damaged file is an error that says what to do. */
export function loadSshKey(dir: string): SshKeyPair | undefined {
  const path = join(dir, SSH_KEY_FILE);
  let privateKey: string;
  try {
    privateKey = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DcaError(DcaError.from(e).code, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { cause: e });
  }
  try {
    return { publicKey: publicKeyOf(privateKey), privateKey };
  } catch (e) {
    // Never quote the file: it is a private key.
    throw new DcaError("data-loss", `${path} is not a usable SSH key (${(e as Error).message}); delete it and restart the agent to make a new one`);
  }
}

/** The key in `dir`, made and saved first if there is none. */
export function ensureSshKey(dir: string): SshKeyPair {
  const kept = loadSshKey(dir);
  if (kept) return kept;
  const made = generateSshKeyPair();
  ensureStateDir(dir);
  writeFileAtomic(join(dir, SSH_KEY_FILE), made.privateKey, 0o600);
  return made;
}

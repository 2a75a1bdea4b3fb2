/**
 * An agent's SSH public key as the hub accepts it: OpenSSH's one-line form
 * of an Ed25519 key ("ssh-ed25519 AAAA... [comment]"), nothing else. The
 * hub keeps the canonical form (type and key, no comment) and shows the
 * SHA-256 fingerprint the way ssh-keygen -l does.
 */
import { createHash } from "node:crypto";

/** The one key type agents use. */
export const AGENT_SSH_KEY_TYPE = "ssh-ed25519";

/** Longest key line accepted (an Ed25519 line is 80 characters, plus a comment). */
export const MAX_SSH_KEY_LENGTH = 400;

/** A parsed Ed25519 public key. */
export interface AgentSshKey {
  /** "ssh-ed25519 AAAA...", without a comment: what the store keeps and sshd reads. */
  canonical: string;
  /** The SSH wire blob (string type, string key): what a client presents when it authenticates. */
  blob: Buffer;
  /** "SHA256:...", as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

/** OpenSSH's fingerprint of a key blob: SHA-256, base64 without padding. */
export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key in `text`, or a reason it is not an Ed25519 public key (the text itself is never echoed). */
export function parseAgentSshKey(text: string): AgentSshKey | { error: string } {
  if (text.length > MAX_SSH_KEY_LENGTH) return { error: `is longer than ${MAX_SSH_KEY_LENGTH} characters` };
  const [type, b64] = text.trim().split(/\s+/, 2);
  if (type !== AGENT_SSH_KEY_TYPE) return { error: `must be an ${AGENT_SSH_KEY_TYPE} key in OpenSSH form` };
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { error: "has no base64 key after its type" };
  const blob = Buffer.from(b64, "base64");
  // string "ssh-ed25519" (4 + 11 bytes), string key (4 + 32 bytes).
  const typeLen = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const inner = typeLen === AGENT_SSH_KEY_TYPE.length ? blob.subarray(4, 4 + typeLen).toString("latin1") : "";
  if (blob.length !== 51 || inner !== AGENT_SSH_KEY_TYPE || blob.readUInt32BE(15) !== 32) {
    return { error: `is not a well-formed ${AGENT_SSH_KEY_TYPE} key` };
  }
  return { canonical: `${AGENT_SSH_KEY_TYPE} ${blob.toString("base64")}`, blob, fingerprint: sshFingerprint(blob) };
}

/** The fingerprint of a stored canonical key, "" for none. */
export function fingerprintOf(canonical: string): string {
  if (canonical === "") return "";
  const k = parseAgentSshKey(canonical);
  return "error" in k ? "" : k.fingerprint;
}

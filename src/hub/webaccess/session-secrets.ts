/**
 * The random parts of a session: its host name label, its secret (the
 * technician's key, then cookie) and the forward path the agent asks the
 * relay for. All come from crypto randomness; the store keeps only a hash
 * of the secret.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const LABEL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomLabel(length: number): string {
  // Rejection sampling: every character equally likely.
  const limit = 256 - (256 % LABEL_ALPHABET.length);
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) if (b < limit && out.length < length) out += LABEL_ALPHABET[b % LABEL_ALPHABET.length];
  }
  return out;
}

/** A DNS label for a session's host name ("wa-" + 12 random characters, about 62 bits: not a secret, the key is). */
export function newSessionLabel(): string {
  return `wa-${randomLabel(12)}`;
}

/** The session's secret: 32 random bytes, base64url (the `key` of its URL, then its cookie). */
export function newSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * An unguessable forward path: `<socketDir>/<random>.sock` when the relay is OpenSSH sshd
 * (it makes the socket there and the hub connects to it), else a bare random name (the
 * embedded relay creates no file).
 */
export function newForwardPath(socketDir?: string): string {
  const name = `${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}.sock`;
  return socketDir ? join(socketDir, name) : name;
}

/**
 * The embedded relay's host key: Ed25519, made once and kept in the hub's
 * data folder (private part mode 0600, OpenSSH form, so `ssh-keygen -l -f`
 * reads it). Agents learn the public part over the already-trusted hub API
 * (WebAccessRelay.host_key) and accept no other, so it must outlive restarts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { utils } from "ssh2";
import { DcaError } from "../../common/errors.ts";
import { generateSshKeyPair } from "../../common/ssh-ed25519-key.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import { sshFingerprint } from "./agent-ssh-key.ts";

/** File name of the private key in the data folder (the public one adds ".pub"). */
export const RELAY_HOST_KEY_FILE = "relay_host_ed25519_key";

/** The relay's host key. */
export interface RelayHostKey {
  /** OpenSSH private key text, for ssh2's Server. */
  privateKey: string;
  /** "ssh-ed25519 AAAA...": what agents pin. */
  publicKey: string;
  /** "SHA256:...". */
  fingerprint: string;
}

/** Reads the host key from `dataDir`, making it first if there is none. */
export function ensureRelayHostKey(dataDir: string): RelayHostKey {
  const path = join(dataDir, RELAY_HOST_KEY_FILE);
  if (!existsSync(path)) {
    const made = generateSshKeyPair("dca-hub-relay");
    writeFileAtomic(`${path}.pub`, `${made.publicKey}\n`, 0o644);
    writeFileAtomic(path, made.privateKey, 0o600);
  }
  let parsed: ReturnType<typeof utils.parseKey>;
  let privateKey: string;
  try {
    privateKey = readFileSync(path, "utf8");
    parsed = utils.parseKey(privateKey);
  } catch (e) {
    parsed = e as Error;
    privateKey = "";
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error || key.type !== "ssh-ed25519" || !key.isPrivateKey()) {
    throw new DcaError("failed-precondition", `the relay host key ${path} is not a readable Ed25519 private key; move it away and restart the hub to make a new one (agents learn the new one at their next poll)`);
  }
  const blob = key.getPublicSSH();
  return { privateKey, publicKey: `ssh-ed25519 ${blob.toString("base64")}`, fingerprint: sshFingerprint(blob) };
}

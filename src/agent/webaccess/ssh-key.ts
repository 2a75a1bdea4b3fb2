/**
 * The agent's Ed25519 SSH key for Device Web Access: made once (at
 * activation, or at the first `dca run` of an agent activated before web
 * access existed), kept in the state folder as an OpenSSH private key file
 * with the identity's protection (mode 0600, atomic write, in the 0700
 * folder). Made and encoded with node:crypto alone: ssh2 is loaded only
 * when a tunnel opens, so an idle `dca run` never pays for it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DcaError } from "../../common/errors.ts";
import { type SshKeyPair, generateSshKeyPair, publicKeyOf } from "../../common/ssh-ed25519-key.ts";
import { ensureStateDir } from "../state/ensure-state-dir.ts";
import { writeFileAtomic } from "../state/write-file-atomic.ts";

/** The key file in the state folder (OpenSSH's own format: `ssh -i` can use it when debugging). */
export const SSH_KEY_FILE = "ssh_ed25519_key";

export type { SshKeyPair };

const COMMENT = "dca-agent";

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
    return { publicKey: publicKeyOf(privateKey, COMMENT), privateKey };
  } catch (e) {
    // Never quote the file: it is a private key.
    throw new DcaError("data-loss", `${path} is not a usable SSH key (${(e as Error).message}); delete it and restart the agent to make a new one`);
  }
}

/** The key in `dir`, made and saved first if there is none. */
export function ensureSshKey(dir: string): SshKeyPair {
  const kept = loadSshKey(dir);
  if (kept) return kept;
  const made = generateSshKeyPair(COMMENT);
  ensureStateDir(dir);
  writeFileAtomic(join(dir, SSH_KEY_FILE), made.privateKey, 0o600);
  return made;
}

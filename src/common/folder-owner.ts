/**
 * A command run by root on a service's folder (the packaged agent's /var/lib/dca,
 * the packaged hub's /var/lib/dca-hub) runs as the folder's owner instead: every
 * file it makes or rewrites there (SQLite's -wal and -shm, the CA, the sealed lock
 * state) stays the service's, which could not open a root-owned one. Nothing
 * changes for a folder root owns, one that does not exist yet, or a process not
 * run by root.
 */
import { statSync } from "node:fs";
import { userInfo } from "node:os";

/** Whom the process now runs as, when it switched. */
export interface SwitchedUser {
  readonly uid: number;
  readonly gid: number;
  readonly home?: string;
}

/**
 * When this process runs as root and `dir` exists and belongs to another user,
 * becomes that user (with the folder's group, and the user's groups when the
 * user has an entry in the password database) and points $HOME at the user's
 * home. Returns whom it switched to, or undefined when it stayed as it was.
 * Call it after every file only root may read (a --code-file) has been read.
 */
export function becomeFolderOwner(dir: string): SwitchedUser | undefined {
  if (process.platform === "win32" || process.getuid?.() !== 0) return undefined;
  let owner: { uid: number; gid: number };
  try {
    owner = statSync(dir);
  } catch {
    return undefined;
  }
  if (owner.uid === 0) return undefined;
  try {
    // initgroups(3) is in Bun's and Node's process, though not in @types/node.
    (process as unknown as { initgroups(user: number, group: number): void }).initgroups(owner.uid, owner.gid);
  } catch {
    // No password entry for that uid: its folder's group only.
    process.setgroups!([owner.gid]);
  }
  // Group first: once the user is not root it may no longer change its group.
  process.setgid!(owner.gid);
  process.setuid!(owner.uid);
  let home: string | undefined;
  try {
    home = userInfo().homedir;
    process.env.HOME = home;
  } catch {
    // No password entry: $HOME stays root's, which the user cannot write; nothing needs it.
  }
  return { uid: owner.uid, gid: owner.gid, home };
}

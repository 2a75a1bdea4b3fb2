/**
 * A folder a person names on the command line (the agent's --state, the
 * hub's --data) checked before anything is created in it, so that a path
 * that can never be a folder is told as such, not as mkdir's EEXIST or
 * ENOTDIR.
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { DcaError } from "./errors.ts";

/**
 * Throws `invalid-argument` when `path`, or a folder above it, exists and is
 * not a folder. `what` names the path ("the state folder"), `fix` says what
 * to give instead ('give --state a folder').
 */
export function assertFolderPath(path: string, what: string, fix: string): void {
  for (let p = path; ; p = dirname(p)) {
    const kind = kindOf(p);
    if (kind === "folder") return;
    if (kind === "other") {
      const where = p === path ? `${what} ${path} is a file, not a folder` : `${what} ${path} cannot be made: ${p} is a file, not a folder`;
      throw new DcaError("invalid-argument", `${where}; ${fix}`);
    }
    if (dirname(p) === p) return;
  }
}

function kindOf(path: string): "folder" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "folder" : "other";
  } catch {
    return "missing";
  }
}

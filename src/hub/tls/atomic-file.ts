/**
 * Atomic file writes: a reader (or the next start after a crash) sees the
 * old file or the new one, never half of either. Keys and certificates must
 * not be lost halfway: agents pin the CA.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";

/** Writes `data` to a temporary file beside `path` with `mode`, fsyncs it, renames it over `path`, then fsyncs the folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  // The mode is set at creation, so a private key is never readable by others, not even briefly.
  const fd = openSync(temp, "wx", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
  fsyncDir(dirname(path));
}

function fsyncDir(dir: string): void {
  // Windows cannot open a folder for fsync; there the rename is as durable as it gets.
  if (process.platform === "win32") return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

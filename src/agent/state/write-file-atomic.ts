/**
 * Durable, all-or-nothing file writes: a reader sees the old content or the
 * new one, never half of each, even if the machine loses power mid-write.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { assertMode, hasPosixModes } from "./ensure-state-dir.ts";

/**
 * Writes `data` to `path` atomically: a temporary file beside it (created
 * with `mode`, never readable by others in between), fsync, rename, fsync of
 * the folder. The mode is set explicitly and checked afterwards, since the
 * umask or an existing file could otherwise leave it wider.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", mode);
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (hasPosixModes) chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
  assertMode(path, mode);
}

/** Makes a rename durable. Windows cannot open folders for fsync; NTFS journals renames itself. */
function fsyncDir(dir: string): void {
  if (!hasPosixModes) return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Durable, all-or-nothing file writes: a reader (or the next start after a
 * crash) sees the old content or the new one, never half of each, even if
 * the machine loses power mid-write.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const posix = process.platform !== "win32";

/**
 * Writes `data` to `path` atomically: a temporary file beside it (created
 * with `mode`, so a key is never readable by others, not even briefly),
 * fsync, rename, fsync of the folder. The mode is set explicitly, since the
 * umask could otherwise narrow or an existing file widen it.
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
    if (posix) chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}

/** Makes a rename durable. Windows cannot open folders for fsync; NTFS journals renames itself. */
export function fsyncDir(dir: string): void {
  if (!posix) return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Downloads an offered release to `<state>/update/dca-<version>.unverified`:
 * free space checked first, then the file in 16 MiB Range requests, appended
 * to what an earlier, interrupted download left, so a half-downloaded file
 * resumes and no request outlives the hub's per-call deadline. The file is
 * not trusted until checked (check-release-file.ts) and renamed.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, statfsSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { DcaError } from "../../common/errors.ts";
import type { FileFetcher } from "../transport/index.ts";

/** Bytes per Range request. */
export const CHUNK_BYTES = 16 * 1024 * 1024;
/** Free space kept beyond what the download still needs (the swap copies the file once more). */
export const DISK_MARGIN_BYTES = 64 * 1024 * 1024;

/** Free bytes for an unprivileged user on the file system of `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Throws "resource-exhausted" when `dir` has less than `need` bytes free, naming both. */
export function assertFreeSpace(dir: string, need: number, what: string): void {
  const free = freeBytes(dir);
  if (free < need) {
    const mb = (n: number) => `${Math.ceil(n / 1_048_576)} MB`;
    throw new DcaError("resource-exhausted", `not enough free space in ${dir} for ${what}: ${mb(need)} needed, ${mb(free)} free; free some space`);
  }
}

/**
 * Brings `dest` to `size` bytes from `url`. Throws (and keeps what it has, to resume) when the
 * line fails or the server answers anything but the range asked for; a file larger than `size`
 * is started over.
 */
export async function downloadRelease(fetcher: FileFetcher, url: string, size: number, dest: string, signal?: AbortSignal): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  let have = 0;
  try {
    have = statSync(dest).size;
  } catch {
    // Nothing yet.
  }
  if (have > size) {
    rmSync(dest, { force: true });
    have = 0;
  }
  assertFreeSpace(dirname(dest), size - have + DISK_MARGIN_BYTES, "the update");
  const fd = openSync(dest, "a", 0o600);
  try {
    while (have < size) {
      const end = Math.min(have + CHUNK_BYTES, size) - 1;
      const r = await fetcher.getRange(url, have, end, signal);
      const whole = r.status === 200 && have === 0;
      if (r.status !== 206 && !whole) {
        for await (const _ of r.body) break;
        throw new DcaError("unavailable", `the release server answered ${r.status} to a request for bytes ${have}-${end} of ${url}`);
      }
      if (!whole && !String(r.headers["content-range"] ?? "").startsWith(`bytes ${have}-`)) {
        throw new DcaError("unavailable", `the release server sent another range than bytes ${have}-${end} of ${url}`);
      }
      const limit = whole ? size : end + 1;
      for await (const chunk of r.body) {
        if (have + chunk.length > limit) throw new DcaError("malformed", `the release server sent more than the ${size} bytes offered`);
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        have += chunk.length;
      }
      if (have < limit) throw new DcaError("unavailable", `the download of ${url} stopped at ${have} of ${size} bytes; it resumes there`);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * SHA-256 of a whole file, read in 1 MiB pieces into one reused buffer (about 80 ms
 * of CPU for the 115 MB agent here: test/bench/integrity/README.md). Bun's hasher
 * uses the CPU's SHA instructions; mapping the file (Bun.mmap) was no faster.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const PIECE = 1 << 20;

/** The size of the file at `path`, and its hex SHA-256 when `expectedSize` is undefined or matches. */
export function hashFile(path: string, expectedSize?: number): { size: number; sha256?: string } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (expectedSize !== undefined && size !== expectedSize) return { size };
    const hasher = new Bun.CryptoHasher("sha256");
    const buf = Buffer.allocUnsafe(PIECE);
    let total = 0;
    for (let n; (n = readSync(fd, buf, 0, PIECE, null)) > 0; total += n) hasher.update(buf.subarray(0, n));
    // A file that grew or shrank while it was read is not the file that was measured.
    return total === size ? { size, sha256: hasher.digest("hex") } : { size: total };
  } finally {
    closeSync(fd);
  }
}

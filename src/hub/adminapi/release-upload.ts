/**
 * The hub's side of a release upload: the file's chunks go to a temporary
 * file in the data folder's releases/, bounded by the size the signed
 * manifest names, and only a copy that then checks out against its bundle
 * (read back from disk: what agents get is checked, not trusted) is renamed
 * to releases/<sha256>. Anything else leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DcaError } from "../../common/errors.ts";
import { type CheckedRelease, checkReleaseFile } from "../../common/release-signing/index.ts";
import { fsyncDir } from "../../common/write-file-atomic.ts";
import { RELEASES_DIR } from "../api/release-files.ts";

/** The largest release the hub takes (an agent is about 115 MB; room for growth, not for filling the disk). */
export const RELEASE_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;

/** The largest chunk of an upload (the client sends at most this per message). */
export const RELEASE_CHUNK_MAX_BYTES = 512 * 1024;

/** What a received upload is checked against. */
export interface UploadCheck {
  /** The file's name, for messages. */
  name: string;
  /** The size the signed manifest names: more is refused as it arrives. */
  size: number;
  bundle: string;
  root: string;
  kept: unknown[];
}

/** Where the hub keeps releases it serves. */
export const releasesDir = (dataDir: string): string => join(dataDir, RELEASES_DIR);

/**
 * Writes `chunks` to a temporary file, checks it as `release add` always did
 * (size, SHA-256, the bundle against the root and the kept revocations), and
 * keeps it as releases/<sha256>. Returns the check; throws a one-line DcaError.
 */
export async function receiveRelease(dataDir: string, chunks: AsyncIterable<Uint8Array>, check: UploadCheck): Promise<CheckedRelease & { ok: true }> {
  const dir = releasesDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.upload-${randomBytes(8).toString("hex")}.tmp`);
  let fd: number | undefined = openSync(tmp, "wx", 0o600);
  try {
    let received = 0;
    for await (const chunk of chunks) {
      if (chunk.length > RELEASE_CHUNK_MAX_BYTES) throw new DcaError("invalid-argument", `an upload chunk is over ${RELEASE_CHUNK_MAX_BYTES} bytes; send the file in smaller pieces`);
      received += chunk.length;
      if (received > check.size) throw new DcaError("failed-precondition", `${check.name} is refused: it is over ${check.size} bytes, the signed file's size; add only files "npm run release" signed, with their .sig`);
      for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    const checked = checkReleaseFile(tmp, check.bundle, check.root, check.kept);
    if (!checked.ok) throw new DcaError("failed-precondition", `${check.name} is refused: ${checked.reason}; add only files "npm run release" signed, with their .sig`);
    renameSync(tmp, join(dir, checked.manifest.sha256));
    fsyncDir(dir);
    return checked;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") {
      throw new DcaError("resource-exhausted", `the hub cannot keep ${check.name}: ${dir} is full (${code}); free space there, then add it again`, { cause: e });
    }
    throw DcaError.from(e);
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
  }
}

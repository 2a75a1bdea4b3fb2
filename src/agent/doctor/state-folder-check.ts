/**
 * The state folder holds the agent's secret and its outbox: it must exist,
 * belong to the user the agent runs as, be closed to everyone else (0700),
 * take writes (the outbox fsyncs every reading), and have room.
 */
import { closeSync, fsyncSync, openSync, statSync, statfsSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { hasPosixModes } from "../state/ensure-state-dir.ts";
import { type CheckOutcome, fail, pass, skip } from "./check-result.ts";

/** Below this, the outbox soon refuses readings. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

const MIB = 1024 * 1024;

/** Checks `dir`; `uid` is the user the agent runs as (this process's by default). */
export function checkStateFolder(dir: string, uid = process.getuid?.()): CheckOutcome {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return skip(`${dir} does not exist yet ("dca activate" creates it)`);
    return fail(`cannot look at ${dir} (${code})`, `give the agent's user access to ${dir}`);
  }
  if (!st.isDirectory()) return fail(`${dir} is not a folder`, "give --state a folder");
  const found: string[] = [];
  if (hasPosixModes) {
    const mode = st.mode & 0o777;
    if (uid !== undefined && st.uid !== uid) {
      return fail(`${dir} belongs to uid ${st.uid}, not to the agent's user (uid ${uid})`, `run: chown -R ${uid} ${dir} (or run the agent as its owner)`);
    }
    if (mode !== 0o700) {
      return fail(`${dir} has mode ${octal(mode)}: other users of this PC can ${mode & 0o044 ? "read" : "reach"} the agent's secret`, `run: chmod 700 ${dir}`);
    }
    found.push("mode 0700", `owner uid ${st.uid}`);
  }
  const probe = join(dir, `.doctor-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const fd = openSync(probe, "wx", 0o600);
    try {
      writeSync(fd, "dca doctor\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    const why = code === "EROFS" ? "the file system is read-only" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "the disk is full" : code;
    return fail(`cannot write in ${dir} (${why})`, code === "EROFS" ? `mount ${dir} read-write, or give the agent a writable folder with --state` : `give the agent's user write access to ${dir}`);
  }
  found.push("writable");
  try {
    const fs = statfsSync(dir);
    const free = Number(fs.bavail) * Number(fs.bsize);
    if (free < MIN_FREE_BYTES) return fail(`only ${Math.floor(free / MIB)} MiB free on the disk of ${dir} (the outbox needs room: at least ${MIN_FREE_BYTES / MIB} MiB)`, "free some space on that disk");
    found.push(`${free >= 1024 * MIB ? `${(free / 1024 / MIB).toFixed(1)} GiB` : `${Math.floor(free / MIB)} MiB`} free`);
  } catch {
    found.push("free space unknown");
  }
  return pass(`${dir}: ${found.join(", ")}`);
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

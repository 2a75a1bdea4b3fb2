/**
 * The places the sealed lock state is kept: a file in the state folder, a
 * row in the agent's own SQLite file beside it, and a file outside the
 * folder. Deleting one of them, or the whole folder, does not forget the
 * failed attempts; the copy with the highest write counter wins.
 */
import type { Database } from "bun:sqlite";
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { hasPosixModes } from "./ensure-state-dir.ts";
import type { InstallMaterial } from "./install-id.ts";
import { seal, unseal } from "./seal.ts";
import { AGENT_DB, SEALED_FILE } from "./state-files.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";
import { DcaError } from "../../common/errors.ts";

/** Overrides where the copy outside the state folder goes; empty or "off" disables it. */
export const SEAL_DIR_ENV = "DCA_SEAL_DIR";

const CONTEXT = "lock-state";
const SLOT = "lock";

/** How one copy looked when read. */
export type CopyStatus = "ok" | "missing" | "failed-auth" | "unreadable";

/** One copy as read: where it is, whether it opened, and its write counter. */
export interface CopyReport {
  where: string;
  status: CopyStatus;
  writeCounter?: number;
}

/** What every copy holds once opened: the payload and the counter that orders copies. */
export interface SealedRecord {
  writeCounter: number;
  writtenAt: string;
  payload: unknown;
}

/** One place a sealed box can be kept. */
export interface SealedCopy {
  readonly where: string;
  /** False for the copy outside the folder: failing to write it is not an error. */
  readonly required: boolean;
  /** The box, or undefined if there is none. Throws only when it exists but cannot be read. */
  read(): Uint8Array | undefined;
  write(box: Uint8Array): void;
}

/**
 * The folder for the copy outside the state folder: `$DCA_SEAL_DIR`, else
 * `$XDG_STATE_HOME` or `~/.local/state` (`%ProgramData%\dca-seal` on Windows:
 * `%ProgramData%\dca` is the service's state folder itself),
 * in a sub-folder named after the install so installs do not collide.
 */
export function outsideSealDir(installId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let base: string | undefined;
  const override = env[SEAL_DIR_ENV];
  if (override !== undefined) {
    if (override === "" || override === "off") return undefined;
    base = override;
  } else if (process.platform === "win32") {
    base = env.ProgramData ? join(env.ProgramData, "dca-seal") : undefined;
  } else {
    base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  }
  return base ? join(base, `dca-${installId.slice(0, 12)}`) : undefined;
}

/** The copies of the install in `dir`; the SQLite row only when a database is open. */
export function sealedCopies(dir: string, m: InstallMaterial, db: Database | undefined): SealedCopy[] {
  const copies = [fileCopy(join(dir, SEALED_FILE), true)];
  if (db) copies.push(dbCopy(db, join(dir, AGENT_DB)));
  const outside = outsideSealDir(m.installId);
  if (outside) copies.push(fileCopy(join(outside, SEALED_FILE), false, outside));
  return copies;
}

/** Opens every copy; `best` is the authentic one with the highest write counter. */
export function readSealed(m: InstallMaterial, copies: SealedCopy[]): { best?: SealedRecord; reports: CopyReport[] } {
  let best: SealedRecord | undefined;
  const reports = copies.map((c): CopyReport => {
    let box: Uint8Array | undefined;
    try {
      box = c.read();
    } catch {
      return { where: c.where, status: "unreadable" };
    }
    if (!box) return { where: c.where, status: "missing" };
    const rec = openRecord(m.sealKey, box);
    if (!rec) return { where: c.where, status: "failed-auth" };
    if (!best || rec.writeCounter > best.writeCounter) best = rec;
    return { where: c.where, status: "ok", writeCounter: rec.writeCounter };
  });
  return { best, reports };
}

/** Seals `payload` under `writeCounter` and writes it to every copy; required copies must succeed. */
export function writeSealed(m: InstallMaterial, copies: SealedCopy[], payload: unknown, writeCounter: number): void {
  const rec: SealedRecord = { writeCounter, writtenAt: new Date().toISOString(), payload };
  const box = seal(m.sealKey, Buffer.from(JSON.stringify(rec), "utf8"), CONTEXT);
  for (const c of copies) {
    try {
      c.write(box);
    } catch (e) {
      if (c.required) throw e;
      // The outside copy is a bonus: a read-only home or ProgramData must not stop the agent.
    }
  }
}

function openRecord(key: Uint8Array, box: Uint8Array): SealedRecord | undefined {
  try {
    const r = JSON.parse(Buffer.from(unseal(key, box, CONTEXT)).toString("utf8")) as SealedRecord;
    return Number.isSafeInteger(r.writeCounter) && r.writeCounter >= 0 ? r : undefined;
  } catch (e) {
    if ((e instanceof DcaError && e.code === "data-loss") || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

function fileCopy(path: string, required: boolean, parent?: string): SealedCopy {
  return {
    where: path,
    required,
    read() {
      try {
        return readFileSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },
    write(box) {
      if (parent) {
        mkdirSync(parent, { recursive: true, mode: 0o700 });
        if (hasPosixModes) chmodSync(parent, 0o700);
      }
      writeFileAtomic(path, box);
    },
  };
}

function dbCopy(db: Database, where: string): SealedCopy {
  return {
    where: `${where} (sealed_state)`,
    required: true,
    read() {
      const hasTable = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sealed_state'").get();
      if (!hasTable) return undefined;
      const row = db.query("SELECT box FROM sealed_state WHERE slot = ?").get(SLOT) as { box: Uint8Array } | null;
      return row ? new Uint8Array(row.box) : undefined;
    },
    write(box) {
      db.run("CREATE TABLE IF NOT EXISTS sealed_state (slot TEXT PRIMARY KEY, box BLOB NOT NULL)");
      db.run("INSERT INTO sealed_state (slot, box) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET box = excluded.box", [SLOT, box]);
    },
  };
}

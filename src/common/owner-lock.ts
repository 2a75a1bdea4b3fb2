/**
 * One process per folder: `dca run` per state folder, `dca-hub serve` per
 * data folder. The lock is held by the operating system, not by a pid file:
 * a small SQLite file whose write lock the owner takes (BEGIN IMMEDIATE) and
 * keeps until it exits. The system drops that lock when the process ends,
 * however it ends (a crash, kill -9, a power cut), so a lock is never stale,
 * and a reused pid can never look like the owner. SQLite takes it with
 * fcntl locks on Unix and LockFileEx on Windows, where the agent also runs.
 * The file also records the owner's pid, which the others can still read
 * (a write lock lets readers in), for the message that refuses them.
 */
import { Database } from "bun:sqlite";
import { DcaError } from "./errors.ts";

/** A lock this process holds. */
export interface OwnerLock {
  /** Lets the next process take the folder (also happens when the process exits). */
  release(): void;
}

/**
 * Takes the lock at `path` or throws DcaError("failed-precondition") with
 * `refusal(pid)`, the pid of the process holding it (undefined if it cannot
 * be read yet).
 */
export function takeOwnerLock(path: string, refusal: (pid: number | undefined) => string): OwnerLock {
  const db = new Database(path, { create: true });
  db.run("PRAGMA busy_timeout = 0");
  const refuse = (): never => {
    let pid: number | undefined;
    try {
      pid = (db.query("SELECT pid FROM owner").get() as { pid: number } | null)?.pid;
    } catch {
      // Not written yet by the process that just took it.
    }
    db.close();
    throw new DcaError("failed-precondition", refusal(pid));
  };
  const begin = () => {
    try {
      db.run("BEGIN IMMEDIATE");
    } catch (e) {
      if (isBusy(e)) refuse();
      db.close();
      throw e;
    }
  };
  begin();
  db.run("CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, since INTEGER NOT NULL)");
  db.run("DELETE FROM owner");
  db.run("INSERT INTO owner (pid, since) VALUES (?, ?)", [process.pid, Date.now()]);
  db.run("COMMIT");
  // Held from here until release or exit. Another process that slipped in between wins, and this one is refused.
  begin();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.run("ROLLBACK");
      db.close();
    },
  };
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

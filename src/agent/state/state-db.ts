/**
 * The agent's own SQLite file, `<dir>/agent.db` (the outbox is another
 * file). It holds one sealed copy of the lock state, and its write lock
 * serialises agents that change that state at the same time.
 */
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { hasPosixModes } from "./ensure-state-dir.ts";
import { AGENT_DB } from "./state-files.ts";

/** An open database, and whether a file that was not a database had to be moved aside first. */
export interface StateDb {
  db: Database | undefined;
  /** Path the broken file was moved to, or where it still is (read-only). */
  corrupt?: string;
  /** The database (or a broken one) was there before this call: state was written here before. */
  existed: boolean;
}

/**
 * Runs `fn` inside an IMMEDIATE transaction on `<dir>/agent.db` (created,
 * mode 0600): other processes wait for it, so two failed activations at
 * once both count. A file that is not a SQLite database is moved aside to
 * `agent.db.corrupt` and reported, since it means someone edited it.
 */
export function withStateDb<T>(dir: string, fn: (s: StateDb & { db: Database }) => T): T {
  const path = join(dir, AGENT_DB);
  const existed = stateDbExists(dir);
  let corrupt: string | undefined;
  let db = open(path, false);
  if (db === "corrupt") {
    corrupt = `${path}.corrupt`;
    renameSync(path, corrupt);
    db = open(path, false) as Database;
  }
  try {
    if (hasPosixModes) chmodSync(path, 0o600);
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn({ db, corrupt, existed });
      db.exec("COMMIT");
      return out;
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  } finally {
    db.close();
  }
}

/** Runs `fn` with the database opened read-only, or none when it does not exist (never creates it). */
export function withStateDbReadOnly<T>(dir: string, fn: (s: StateDb) => T): T {
  const path = join(dir, AGENT_DB);
  if (!existsSync(path)) return fn({ db: undefined, existed: stateDbExists(dir) });
  const db = open(path, true);
  if (db === "corrupt") return fn({ db: undefined, corrupt: path, existed: true });
  try {
    return fn({ db, existed: true });
  } finally {
    db.close();
  }
}

/** True when the state folder has an agent database, or the remains of a broken one. */
export function stateDbExists(dir: string): boolean {
  return existsSync(join(dir, AGENT_DB)) || existsSync(join(dir, `${AGENT_DB}.corrupt`));
}

function open(path: string, readonly: boolean): Database | "corrupt" {
  let db: Database | undefined;
  try {
    db = readonly ? new Database(path, { readonly: true }) : new Database(path, { create: true, readwrite: true });
    db.exec("PRAGMA busy_timeout = 10000");
    db.query("SELECT count(*) FROM sqlite_master").get();
    return db;
  } catch (e) {
    db?.close();
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") return "corrupt";
    throw e;
  }
}

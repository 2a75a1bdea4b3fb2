/**
 * Opens (or creates) the outbox's SQLite file: owner-only permissions, WAL
 * with synchronous=FULL, the schema, and the checks that refuse a file that
 * is not ours or is damaged, without ever deleting it.
 */
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { OutboxError } from "./outbox-error.ts";
import { DcaError } from "../../common/errors.ts";

/** "DCAo" in ASCII: marks an SQLite file as a dca outbox (PRAGMA application_id). */
export const OUTBOX_APPLICATION_ID = 0x4443416f;
/** Schema version in PRAGMA user_version. */
export const OUTBOX_SCHEMA_VERSION = 1;

// seq is AUTOINCREMENT so that SQLite never hands out a seq again, not even
// after the newest rows were acknowledged and the agent restarted.
const SCHEMA = `
CREATE TABLE readings (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  task_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  crc32 INTEGER NOT NULL,
  payload BLOB NOT NULL
);
CREATE TABLE quarantine (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  crc32 INTEGER NOT NULL,
  payload BLOB NOT NULL,
  problem TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('dropped_total', 0);
`;

/**
 * Opens the outbox database at `path` (":memory:" for a throwaway one).
 * A missing folder is created 0700 and the file 0600. Throws OutboxError.
 */
export function openOutboxDatabase(path: string, opts: { integrityCheck: boolean }): Database {
  if (path !== ":memory:") prepareFile(path);
  let db: Database | undefined;
  try {
    db = new Database(path, { create: true, readwrite: true, strict: true });
    // Recovers the WAL of a killed writer, and fails with SQLITE_NOTADB on a foreign file.
    db.run("PRAGMA busy_timeout = 5000");
    const appId = pragma(db, "application_id");
    const tables = (db.query("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number }).n;
    if (tables > 0 && appId !== OUTBOX_APPLICATION_ID) {
      throw new OutboxError(
        "failed-precondition",
        `${path} is an SQLite database of some other program, not a dca outbox. It was left as it is: point the agent at another file, or move this one away.`,
        { reason: "not-an-outbox" },
      );
    }
    if (tables > 0 && pragma(db, "user_version") > OUTBOX_SCHEMA_VERSION) {
      throw new OutboxError(
        "failed-precondition",
        `outbox ${path} was written by a newer dca agent (schema ${pragma(db, "user_version")}, this agent knows ${OUTBOX_SCHEMA_VERSION}). Run the newer agent, or move the file aside to start an empty outbox.`,
        { reason: "newer-version" },
      );
    }
    if (opts.integrityCheck && tables > 0) checkIntegrity(db, path);
    if (tables === 0) {
      // Both only take effect before the first table exists (and before WAL).
      // A reading is about 2.6 KB: one fits a 4 KB page, so the file would be
      // 1.5 times the payload; three fit 8 KB (1.06 times).
      db.run("PRAGMA page_size = 8192");
      db.run("PRAGMA auto_vacuum = INCREMENTAL");
    }
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = FULL");
    if (tables === 0) {
      db.transaction(() => {
        db!.run(SCHEMA);
        db!.run(`PRAGMA application_id = ${OUTBOX_APPLICATION_ID}`);
        db!.run(`PRAGMA user_version = ${OUTBOX_SCHEMA_VERSION}`);
      })();
    }
    giveBackFreePages(db);
    return db;
  } catch (e) {
    db?.close();
    throw OutboxError.fromStorage(e, path, "open the outbox");
  }
}

function pragma(db: Database, name: string): number {
  return Number(Object.values(db.query(`PRAGMA ${name}`).get() as object)[0]);
}

function checkIntegrity(db: Database, path: string): void {
  const rows = db.query("PRAGMA quick_check(3)").all() as { quick_check: string }[];
  if (rows.length === 1 && rows[0].quick_check === "ok") return;
  throw OutboxError.fromStorage(
    Object.assign(new Error(rows.map((r) => r.quick_check).join("; ")), { code: "SQLITE_CORRUPT" }),
    path,
    "open the outbox",
  );
}

// Free pages are reused by later puts, so the file stays at its high-water
// mark; after a long outage has been drained, hand most of that back to the
// disk once, at start, rather than on every ack.
function giveBackFreePages(db: Database): void {
  const free = pragma(db, "freelist_count");
  if (free > 2048 && free * 2 > pragma(db, "page_count")) db.run("PRAGMA incremental_vacuum");
}

function prepareFile(path: string): void {
  const dir = dirname(resolve(path));
  try {
    // Only a folder we create is made 0700: an existing one (a state folder, /tmp) belongs to someone else.
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Create the file ourselves: SQLite would use 0644 under the usual umask, and
    // it gives the -wal and -shm files the mode of the database file.
    closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    // The new directory entry survives a power cut as well. Windows cannot fsync a folder
    // (EPERM); NTFS journals the entry itself (as src/common/write-file-atomic.ts says).
    if (process.platform !== "win32") {
      const fd = openSync(dir, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    throw new OutboxError(DcaError.from(e).code, `cannot open or create the outbox file ${path}: ${(e as Error).message}`, { cause: e, reason: "io" });
  }
}

/**
 * Builders for the audit log's tests: a store on a settable clock, records
 * appended in bulk, and the hub.db opened past the store (the append-only
 * trigger dropped) to tamper with it as an attacker with the file would.
 * Not used by the hub itself.
 */
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { type AuditRecord, type NewAuditRecord, type SqliteHubStore, openHubStore } from "../../src/hub/store/index.ts";
import { type TestClock, tempDataDir, testClock } from "./hub-store-fixtures.ts";

/** A fresh store in its own data folder, on a test clock. */
export interface AuditTestStore {
  store: SqliteHubStore;
  dataDir: string;
  clock: TestClock;
}

/** Opens a fresh store on a test clock. */
export function openAuditTestStore(): AuditTestStore {
  const dataDir = tempDataDir();
  const clock = testClock();
  return { store: openHubStore(dataDir, { clock }), dataDir, clock };
}

/** The i-th record of a test run: actors, actions, sites and outcomes vary with i. */
export function sampleRecord(i: number): NewAuditRecord {
  return {
    actor: `user${i % 7}`,
    actorUserId: `usr_${i % 7}`,
    via: i % 3 === 0 ? "token:tok_1" : `session:ses_${i % 5}`,
    address: `192.0.2.${i % 250}`,
    action: ["SiteCreated", "SignIn", "TaskCreated", "SignInFailed"][i % 4],
    siteId: i % 4 === 1 ? "" : `site_${i % 3}`,
    target: `thing ${i}`,
    outcome: i % 10 === 9 ? "denied" : "ok",
    detail: { i, note: `record number ${i}`, nested: { even: i % 2 === 0 } },
  };
}

/** Appends `n` sample records (numbered from `from`), the clock moving `stepMs` before each. */
export function appendSamples(t: AuditTestStore, n: number, opts: { from?: number; stepMs?: number } = {}): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    t.clock.advance(opts.stepMs ?? 1000);
    out.push(t.store.appendAudit(sampleRecord((opts.from ?? 0) + i)));
  }
  return out;
}

/**
 * Runs `fn` on the hub.db opened directly, with the append-only trigger
 * dropped first (as someone with the file can), then puts the trigger back.
 */
export function tamper<T>(dataDir: string, fn: (db: Database) => T): T {
  const db = new Database(join(dataDir, "hub.db"), { strict: true });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const trigger = db.query<{ sql: string }, []>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_append_only'").get();
    if (!trigger) throw new Error("the append-only trigger is missing");
    db.run("DROP TRIGGER audit_log_append_only");
    try {
      return fn(db);
    } finally {
      db.run(trigger.sql);
    }
  } finally {
    db.close();
  }
}

/** A row of audit_log as stored. */
export function auditRow(db: Database, seq: number): Record<string, string | number> {
  const row = db.query<Record<string, string | number>, [number]>("SELECT * FROM audit_log WHERE seq = ?").get(seq);
  if (!row) throw new Error(`no audit record ${seq}`);
  return row;
}

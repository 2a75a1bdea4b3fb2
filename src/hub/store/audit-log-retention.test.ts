import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { AUDIT_ANCHOR_KEY } from "./index.ts";
import { type AuditTestStore, appendSamples, openAuditTestStore, tamper } from "../../../test/support/audit-fixtures.ts";

const DAY = 86_400_000;
const opened: AuditTestStore[] = [];
const open = () => {
  const t = openAuditTestStore();
  opened.push(t);
  return t;
};
afterEach(() => {
  for (const t of opened.splice(0)) t.store.close();
});

const anchorOf = (t: AuditTestStore) => {
  const db = new Database(join(t.dataDir, "hub.db"), { readonly: true });
  const row = db.query<{ value: string }, [string]>("SELECT value FROM hub_settings WHERE key = ?").get(AUDIT_ANCHOR_KEY);
  db.close();
  return row ? JSON.parse(row.value) : undefined;
};

describe("audit retention", () => {
  test("deletes the records older than the retention, keeps the anchor, appends AuditPruned, and verify still passes", () => {
    const t = open();
    // One record a day for 20 days.
    const records = appendSamples(t, 20, { stepMs: DAY });
    t.clock.advance(DAY / 2);
    // Now is day 20.5: a 10-day retention keeps days 10.5 and later, i.e. records 11..20.
    const r = t.store.pruneAudit(10, { actor: "admin", via: "session:ses_1", address: "192.0.2.9" });
    expect(r).toMatchObject({ deleted: 10, throughSeq: 10 });
    expect(r.record).toMatchObject({
      seq: 21,
      actor: "admin",
      via: "session:ses_1",
      address: "192.0.2.9",
      action: "AuditPruned",
      outcome: "ok",
      detail: { deleted: 10, throughSeq: 10, retentionDays: 10 },
      prevHash: records[19].hash,
    });
    expect(anchorOf(t)).toEqual({ seq: 10, hash: records[9].hash });
    expect(t.store.listAudit({ limit: 1000 }).map((x) => x.seq)).toEqual([21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
    expect(t.store.verifyAudit()).toEqual({
      ok: true, records: 11, firstSeq: 11, lastSeq: 21, lastHash: r.record?.hash ?? "(no record)", anchor: { seq: 10, hash: records[9].hash },
    });
  });

  test("later appends and a second prune move the anchor on; verify passes at each step", () => {
    const t = open();
    appendSamples(t, 10, { stepMs: DAY });
    t.clock.advance(100 * DAY);
    const more = appendSamples(t, 5, { stepMs: DAY });
    expect(t.store.pruneAudit(30)).toMatchObject({ deleted: 10, throughSeq: 10 });
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 6, firstSeq: 11 });
    appendSamples(t, 3);
    t.clock.advance(60 * DAY);
    const second = t.store.pruneAudit(30);
    expect(second).toMatchObject({ deleted: 9, throughSeq: 19 });
    expect(anchorOf(t).seq).toBe(19);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 1, firstSeq: 20, lastSeq: 20 });
    expect(more).toHaveLength(5);
  });

  test("nothing older than the retention: nothing deleted and no record appended", () => {
    const t = open();
    appendSamples(t, 5, { stepMs: DAY });
    expect(t.store.pruneAudit(365)).toEqual({ deleted: 0 });
    expect(t.store.listAudit()).toHaveLength(5);
    expect(anchorOf(t)).toBeUndefined();
    expect(open().store.pruneAudit(1)).toEqual({ deleted: 0 });
  });

  test("a record out of time order stops the prune there: only a prefix of the chain is ever deleted", () => {
    const t = open();
    appendSamples(t, 3, { stepMs: DAY });
    t.clock.advance(50 * DAY);
    appendSamples(t, 1); // seq 4: recent
    t.clock.advance(-50 * DAY);
    appendSamples(t, 2, { stepMs: 1 }); // seq 5, 6: old clock (another process, set back)
    t.clock.advance(60 * DAY);
    expect(t.store.pruneAudit(30)).toMatchObject({ deleted: 3, throughSeq: 3 });
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, firstSeq: 4, lastSeq: 7 });
  });

  test("the retention must be a whole number of days of at least 1", () => {
    const { store } = open();
    for (const days of [0, -1, 1.5, Number.NaN]) expect(() => store.pruneAudit(days)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  test("after a prune, a tampered or deleted anchor or a deleted head is named", () => {
    const t = open();
    appendSamples(t, 10, { stepMs: DAY });
    t.clock.advance(30 * DAY);
    t.store.pruneAudit(20);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, firstSeq: 11, lastSeq: 11 });

    tamper(t.dataDir, (db) => db.run("UPDATE hub_settings SET value = ? WHERE key = ?", [JSON.stringify({ seq: 10, hash: "b".repeat(64) }), AUDIT_ANCHOR_KEY]));
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 11, kind: "anchor" });

    tamper(t.dataDir, (db) => db.run("UPDATE hub_settings SET value = 'rubbish' WHERE key = ?", [AUDIT_ANCHOR_KEY]));
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 0, kind: "anchor", problem: expect.stringContaining("damaged") });

    tamper(t.dataDir, (db) => db.run("DELETE FROM hub_settings WHERE key = ?", [AUDIT_ANCHOR_KEY]));
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 11, kind: "missing", problem: expect.stringContaining("no retention anchor") });
  });

  test("every record deleted, the AuditPruned one too: the anchor shows the log was emptied", () => {
    const t = open();
    appendSamples(t, 4, { stepMs: DAY });
    t.clock.advance(10 * DAY);
    expect(t.store.pruneAudit(5)).toMatchObject({ deleted: 4, throughSeq: 4 });
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 1, firstSeq: 5 });
    tamper(t.dataDir, (db) => db.run("DELETE FROM audit_log"));
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 5, kind: "missing", problem: expect.stringContaining("the log is empty") });
    // The next append continues from the anchor (like any deleted tail, only the last hash noted elsewhere shows the loss).
    const next = t.store.appendAudit({ actor: "a", action: "SignIn", outcome: "ok" });
    expect(next).toMatchObject({ seq: 5, prevHash: anchorOf(t).hash });
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 1, firstSeq: 5 });
  });

  test("a second prune anchors on the first one's AuditPruned record", () => {
    const t = open();
    appendSamples(t, 4, { stepMs: DAY });
    t.clock.advance(10 * DAY);
    const pruned = t.store.pruneAudit(5).record;
    t.clock.advance(10 * DAY);
    // The AuditPruned record is now older than the retention too: the second prune deletes it and anchors on it.
    const again = t.store.pruneAudit(5);
    expect(again).toMatchObject({ deleted: 1, throughSeq: 5 });
    expect(again.record?.prevHash).toBe(pruned?.hash);
    expect(t.store.appendAudit({ actor: "a", action: "SignIn", outcome: "ok" }).seq).toBe(7);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 2, firstSeq: 6, lastSeq: 7, anchor: { seq: 5 } });
  });
});

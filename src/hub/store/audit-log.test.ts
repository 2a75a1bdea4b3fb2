import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { AUDIT_ZERO_HASH, type AuditRow, auditHash, openHubStore } from "./index.ts";
import { type AuditTestStore, appendSamples, auditRow, openAuditTestStore, sampleRecord, tamper } from "../../../test/support/audit-fixtures.ts";

const opened: AuditTestStore[] = [];
const open = () => {
  const t = openAuditTestStore();
  opened.push(t);
  return t;
};
afterEach(() => {
  for (const t of opened.splice(0)) t.store.close();
});

// The encoding as docs/security.md states it, written out again here rather than calling auditHash.
const documentedHash = (r: Record<string, string | number>) =>
  createHash("sha256")
    .update(JSON.stringify([r.seq, r.at, r.actor, r.actor_user_id, r.via, r.address, r.action, r.site_id, r.target, r.outcome, r.detail, r.prev_hash]))
    .digest("hex");

describe("audit log: append and verify", () => {
  test("1000 appends form one chain from the zero hash, each hash as documented, and verify passes", () => {
    const t = open();
    const records = appendSamples(t, 1000);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(records[0].prevHash).toBe(AUDIT_ZERO_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].hash);
    expect(new Set(records.map((r) => r.hash)).size).toBe(1000);
    const db = new Database(join(t.dataDir, "hub.db"), { readonly: true });
    for (const seq of [1, 2, 500, 1000]) {
      const row = auditRow(db, seq);
      expect(row.hash).toBe(documentedHash(row));
      expect(row.hash).toBe(records[seq - 1].hash);
    }
    db.close();
    expect(t.store.verifyAudit()).toEqual({ ok: true, records: 1000, firstSeq: 1, lastSeq: 1000, lastHash: records[999].hash });
  });

  test("a record comes back with its fields, the clock's time and its detail", () => {
    const t = open();
    t.clock.set(Date.parse("2026-05-01T10:00:00Z"));
    const r = t.store.appendAudit({ actor: "alice", action: "UserCreated", outcome: "ok", target: "bob", detail: { role: "viewer", b: 1 } });
    expect(r).toEqual({
      seq: 1,
      at: new Date("2026-05-01T10:00:00Z"),
      actor: "alice",
      actorUserId: "",
      via: "",
      address: "",
      action: "UserCreated",
      siteId: "",
      target: "bob",
      outcome: "ok",
      detail: { b: 1, role: "viewer" },
      prevHash: AUDIT_ZERO_HASH,
      hash: r.hash,
    });
    expect(t.store.listAudit()).toEqual([r]);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 1 });
  });

  test("an empty log verifies", () => {
    expect(open().store.verifyAudit()).toEqual({ ok: true, records: 0, firstSeq: 0, lastSeq: 0, lastHash: "" });
  });

  test("a record without actor or action, or with another outcome, is refused and nothing is stored", () => {
    const { store } = open();
    expect(() => store.appendAudit({ actor: " ", action: "X", outcome: "ok" })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => store.appendAudit({ actor: "a", action: "", outcome: "ok" })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => store.appendAudit({ actor: "a", action: "X", outcome: "maybe" as "ok" })).toThrow(/outcome "maybe"/);
    expect(store.listAudit()).toEqual([]);
  });

  test("the table refuses an UPDATE while its trigger is there", () => {
    const t = open();
    appendSamples(t, 3);
    const db = new Database(join(t.dataDir, "hub.db"));
    expect(() => db.run("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")).toThrow(/append-only/);
    db.close();
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  test("a reopened store (another connection) continues the chain", () => {
    const t = open();
    const first = appendSamples(t, 5);
    const again = openHubStore(t.dataDir, { clock: t.clock });
    const r = again.appendAudit(sampleRecord(99));
    again.close();
    expect(r.seq).toBe(6);
    expect(r.prevHash).toBe(first[4].hash);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 6 });
  });
});

describe("audit log: tampering shows", () => {
  const columns: [string, string | number][] = [
    ["actor", "mallory"],
    ["at", 1],
    ["action", "Nothing"],
    ["outcome", "failed"],
    ["detail", '{"i":1}'],
    ["site_id", "site_x"],
    ["prev_hash", "f".repeat(64)],
  ];
  for (const [column, value] of columns) {
    test(`editing one row's ${column} fails verify, naming that seq`, () => {
      const t = open();
      appendSamples(t, 40);
      tamper(t.dataDir, (db) => db.run(`UPDATE audit_log SET ${column} = ? WHERE seq = 29`, [value]));
      expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 29, kind: "edited", checked: 28 });
    });
  }

  test("in a log of 1000, an edited row is named, with what it means", () => {
    const t = open();
    appendSamples(t, 1000);
    tamper(t.dataDir, (db) => db.run("UPDATE audit_log SET target = 'nothing to see' WHERE seq = 613"));
    const v = t.store.verifyAudit();
    expect(v).toMatchObject({ ok: false, seq: 613, kind: "edited" });
    expect(!v.ok && v.problem).toBe("record 613 does not match its hash: it was changed after it was written");
  });

  test("an edited row whose hash was recomputed breaks the link of the next: names both", () => {
    const t = open();
    appendSamples(t, 1000);
    tamper(t.dataDir, (db) => {
      const { hash: _, ...row } = { ...auditRow(db, 500), outcome: "ok", actor: "someone else" } as never as AuditRow;
      db.run("UPDATE audit_log SET actor = ?, outcome = ?, hash = ? WHERE seq = 500", ["someone else", "ok", auditHash(row)]);
    });
    const v = t.store.verifyAudit();
    expect(v).toMatchObject({ ok: false, seq: 501, kind: "unlinked", checked: 500 });
    expect(!v.ok && v.problem).toContain("record 500 was replaced");
  });

  test("a deleted middle row is named as a gap", () => {
    const t = open();
    appendSamples(t, 1000);
    tamper(t.dataDir, (db) => db.run("DELETE FROM audit_log WHERE seq = 500"));
    const v = t.store.verifyAudit();
    expect(v).toMatchObject({ ok: false, seq: 501, kind: "missing" });
    expect(!v.ok && v.problem).toBe("record 500 is missing before record 501: deleted");
  });

  test("rows deleted from the start, with no retention anchor, are named", () => {
    const t = open();
    appendSamples(t, 50);
    tamper(t.dataDir, (db) => db.run("DELETE FROM audit_log WHERE seq <= 10"));
    const v = t.store.verifyAudit();
    expect(v).toMatchObject({ ok: false, seq: 11, kind: "missing" });
    expect(!v.ok && v.problem).toContain("records 1 to 10 are missing before record 11, and no retention anchor");
  });

  test("a forged row in place of a deleted one, hashed correctly, is caught at the next record", () => {
    const t = open();
    const records = appendSamples(t, 1000);
    tamper(t.dataDir, (db) => {
      const { hash: _, ...fields } = { ...auditRow(db, 700), actor: "nobody", prev_hash: records[698].hash } as never as AuditRow;
      const f: AuditRow = { ...fields, hash: auditHash(fields) };
      db.run("DELETE FROM audit_log WHERE seq = 700");
      db.run("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        f.seq, f.at, f.actor, f.actor_user_id, f.via, f.address, f.action, f.site_id, f.target, f.outcome, f.detail, f.prev_hash, f.hash,
      ]);
      // The forged row itself holds: only its link to 701 gives it away.
      expect(f.hash).not.toBe(records[699].hash);
    });
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 701, kind: "unlinked" });
  });

  test("a forged row appended with a made-up hash, or before the first record, is named", () => {
    const t = open();
    const records = appendSamples(t, 20);
    tamper(t.dataDir, (db) =>
      db.run("INSERT INTO audit_log (seq, at, actor, action, outcome, prev_hash, hash) VALUES (21, 1, 'ghost', 'SignIn', 'ok', ?, ?)", [records[19].hash, "a".repeat(64)]),
    );
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 21, kind: "edited" });
    tamper(t.dataDir, (db) => {
      db.run("DELETE FROM audit_log WHERE seq = 21");
      const row = { seq: 0, at: 1, actor: "ghost", actor_user_id: "", via: "", address: "", action: "SignIn", site_id: "", target: "", outcome: "ok", detail: "", prev_hash: AUDIT_ZERO_HASH };
      db.run("INSERT INTO audit_log VALUES (0, 1, 'ghost', '', '', '', 'SignIn', '', '', 'ok', '', ?, ?)", [AUDIT_ZERO_HASH, auditHash(row)]);
    });
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 0, kind: "malformed" });
  });

  test("a deleted last row is not visible alone: the last hash (noted outside the hub) is what shows it", () => {
    const t = open();
    const records = appendSamples(t, 30);
    tamper(t.dataDir, (db) => db.run("DELETE FROM audit_log WHERE seq = 30"));
    const v = t.store.verifyAudit();
    expect(v).toEqual({ ok: true, records: 29, firstSeq: 1, lastSeq: 29, lastHash: records[28].hash });
    expect(v.ok && v.lastHash).not.toBe(records[29].hash);
  });
});

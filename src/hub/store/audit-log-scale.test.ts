/**
 * A log of 200 000 records: verify streams through it, finds a change deep
 * inside, and retention deletes most of it in one go. No timing is asserted
 * (the machine is shared); what must hold is that it completes and is right.
 */
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { AUDIT_ZERO_HASH, type AuditRow, auditHash, openHubStore } from "./index.ts";
import { tamper } from "../../../test/support/audit-fixtures.ts";
import { tempDataDir, testClock } from "../../../test/support/hub-store-fixtures.ts";

const N = 200_000;
const DAY = 86_400_000;

/**
 * Writes N records straight into the table in one transaction (N appends of
 * their own would each wait for a disk sync), hashed by the documented rule;
 * the store's own appends must then chain onto them.
 */
function fill(dataDir: string, start: number): string {
  const db = new Database(join(dataDir, "hub.db"), { strict: true });
  const insert = db.prepare("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  let prev = AUDIT_ZERO_HASH;
  db.transaction(() => {
    for (let seq = 1; seq <= N; seq++) {
      const row: Omit<AuditRow, "hash"> = {
        seq,
        // One record a minute.
        at: start + seq * 60_000,
        actor: `user${seq % 50}`,
        actor_user_id: `usr_${seq % 50}`,
        via: `session:ses_${seq % 1000}`,
        address: `198.51.100.${seq % 256}`,
        action: seq % 5 === 0 ? "SignInFailed" : "TaskCreated",
        site_id: `site_${seq % 40}`,
        target: `task_${seq}`,
        outcome: seq % 5 === 0 ? "failed" : "ok",
        detail: seq % 3 === 0 ? JSON.stringify({ n: seq }) : "",
        prev_hash: prev,
      };
      prev = auditHash(row);
      insert.run(row.seq, row.at, row.actor, row.actor_user_id, row.via, row.address, row.action, row.site_id, row.target, row.outcome, row.detail, row.prev_hash, prev);
    }
  })();
  db.close();
  return prev;
}

describe("audit log at scale", () => {
  test("200 000 records: verify completes and is right, finds an edit deep inside, and retention keeps it verifiable", () => {
    const dataDir = tempDataDir();
    const clock = testClock(Date.parse("2026-01-01T00:00:00Z"));
    const store = openHubStore(dataDir, { clock });
    const lastHash = fill(dataDir, clock.ms);
    clock.set(clock.ms + (N + 1) * 60_000);
    const next = store.appendAudit({ actor: "alice", action: "AuditVerified", outcome: "ok" });
    expect(next).toMatchObject({ seq: N + 1, prevHash: lastHash });
    expect(store.verifyAudit()).toEqual({ ok: true, records: N + 1, firstSeq: 1, lastSeq: N + 1, lastHash: next.hash });

    tamper(dataDir, (db) => db.run("UPDATE audit_log SET outcome = 'ok' WHERE seq = 150000"));
    expect(store.verifyAudit()).toMatchObject({ ok: false, seq: 150_000, kind: "edited", checked: 149_999 });
    tamper(dataDir, (db) => db.run("UPDATE audit_log SET outcome = 'failed' WHERE seq = 150000"));
    expect(store.verifyAudit()).toMatchObject({ ok: true, records: N + 1 });

    // The records span about 139 days; keep the last 30.
    const pruned = store.pruneAudit(30);
    const kept = 30 * 24 * 60;
    expect(pruned).toMatchObject({ throughSeq: N - kept, deleted: N - kept });
    expect(store.verifyAudit()).toMatchObject({ ok: true, records: kept + 2, firstSeq: N - kept + 1, lastSeq: N + 2 });
    let exported = 0;
    store.exportAudit({ siteIds: ["site_7"], since: new Date(clock.ms - DAY) }, () => exported++);
    expect(exported).toBe(24 * 60 / 40);
    store.close();
  });
});

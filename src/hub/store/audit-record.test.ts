import { afterEach, describe, expect, test } from "bun:test";
import { AUDIT_LIST_MAX, type AuditFilter } from "./index.ts";
import { type AuditTestStore, appendSamples, openAuditTestStore, tamper } from "../../../test/support/audit-fixtures.ts";

const opened: AuditTestStore[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.store.close();
});

/** A store with 120 sample records, one a minute. */
function sampled(): AuditTestStore {
  const t = openAuditTestStore();
  opened.push(t);
  appendSamples(t, 120, { stepMs: 60_000 });
  return t;
}

const seqs = (t: AuditTestStore, f: Parameters<AuditTestStore["store"]["listAudit"]>[0]) => t.store.listAudit(f).map((r) => r.seq);
const exportedSeqs = (t: AuditTestStore, f: AuditFilter) => {
  const out: number[] = [];
  t.store.exportAudit(f, (l) => out.push(JSON.parse(l).seq));
  return out;
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("audit list and export filters", () => {
  test("newest first, 100 by default, paged with beforeSeq", () => {
    const t = sampled();
    expect(seqs(t, {})).toEqual(range(21, 120).reverse());
    expect(seqs(t, { limit: 5 })).toEqual([120, 119, 118, 117, 116]);
    expect(seqs(t, { limit: 5, beforeSeq: 116 })).toEqual([115, 114, 113, 112, 111]);
    expect(seqs(t, { beforeSeq: 3 })).toEqual([2, 1]);
  });

  test("since (inclusive) and until (exclusive) by the record's time", () => {
    const t = sampled();
    const [r10, r20] = [10, 20].map((s) => t.store.listAudit({ beforeSeq: s + 1, limit: 1 })[0]);
    expect(seqs(t, { since: r10.at, until: r20.at })).toEqual(range(10, 19).reverse());
    expect(exportedSeqs(t, { since: r10.at, until: r20.at })).toEqual(range(10, 19));
    expect(exportedSeqs(t, { since: r20.at })).toEqual(range(20, 120));
  });

  test("by actor, action and site; every filter given must match", () => {
    const t = sampled();
    // sampleRecord: actor user<i%7>, action by i%4, site "" when i%4 == 1 else site_<i%3>; seq = i + 1.
    expect(seqs(t, { actor: "user3", limit: 1000 })).toEqual(range(1, 120).filter((s) => (s - 1) % 7 === 3).reverse());
    expect(exportedSeqs(t, { action: "SignInFailed" })).toEqual(range(1, 120).filter((s) => (s - 1) % 4 === 3));
    expect(exportedSeqs(t, { siteId: "site_0" })).toEqual(range(1, 120).filter((s) => (s - 1) % 4 !== 1 && (s - 1) % 3 === 0));
    expect(exportedSeqs(t, { actor: "user1", action: "SiteCreated" })).toEqual(range(1, 120).filter((s) => (s - 1) % 7 === 1 && (s - 1) % 4 === 0));
    expect(exportedSeqs(t, { actor: "nobody" })).toEqual([]);
  });

  test("siteIds: only the sites the caller may see, and no site-less records", () => {
    const t = sampled();
    const visible = (s: number) => (s - 1) % 4 !== 1 && (s - 1) % 3 !== 2;
    expect(exportedSeqs(t, { siteIds: new Set(["site_0", "site_1"]) })).toEqual(range(1, 120).filter(visible));
    expect(seqs(t, { siteIds: ["site_1"], limit: 3 })).toEqual(range(1, 120).filter((s) => (s - 1) % 4 !== 1 && (s - 1) % 3 === 1).reverse().slice(0, 3));
    expect(seqs(t, { siteIds: [] })).toEqual([]);
    expect(exportedSeqs(t, { siteIds: ["site_0"], siteId: "site_1" })).toEqual([]);
    // "" names no site: it does not open the site-less records.
    expect(exportedSeqs(t, { siteIds: ["", "site_2"] })).toEqual(range(1, 120).filter((s) => (s - 1) % 4 !== 1 && (s - 1) % 3 === 2));
  });

  test("a limit outside 1..10000 is refused", () => {
    const t = sampled();
    for (const limit of [0, -5, 1.5, AUDIT_LIST_MAX + 1]) expect(() => t.store.listAudit({ limit })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(seqs(t, { limit: AUDIT_LIST_MAX })).toHaveLength(120);
  });

  test("the records listed are the records exported, field for field", () => {
    const t = sampled();
    const listed = t.store.listAudit({ limit: 3 }).reverse();
    const lines: Record<string, unknown>[] = [];
    t.store.exportAudit({ since: listed[0].at }, (l) => lines.push(JSON.parse(l)));
    expect(lines.map((l) => ({ seq: l.seq, at: l.at, actor: l.actor, detail: JSON.parse(l.detail as string), hash: l.hash, prev: l.prev_hash }))).toEqual(
      listed.map((r) => ({ seq: r.seq, at: r.at.getTime(), actor: r.actor, detail: r.detail, hash: r.hash, prev: r.prevHash })),
    );
  });

  test("a row whose detail is not JSON (written past the store) is listed, not hidden", () => {
    const t = sampled();
    tamper(t.dataDir, (db) => db.run("UPDATE audit_log SET detail = 'not json' WHERE seq = 120"));
    expect(t.store.listAudit({ limit: 1 })[0].detail).toEqual({ _unreadable: "not json" });
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, seq: 120, kind: "edited" });
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUDIT_ZERO_HASH, type AuditRow, auditHash } from "../store/index.ts";
import { verifyAuditExportFile, verifyAuditExportLines } from "./verify-export.ts";
import { type AuditTestStore, appendSamples, openAuditTestStore } from "../../../test/support/audit-fixtures.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";

const DAY = 86_400_000;
const opened: AuditTestStore[] = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.store.close();
});

/** A store with `n` sample records, and its full export. */
function exported(n: number): { t: AuditTestStore; lines: string[] } {
  const t = openAuditTestStore();
  opened.push(t);
  appendSamples(t, n);
  const lines: string[] = [];
  expect(t.store.exportAudit({}, (l) => lines.push(l))).toBe(n);
  return { t, lines };
}

/** Changes one field of one line, leaving its hash. */
const edit = (lines: string[], i: number, change: Record<string, unknown>) => lines.map((l, j) => (j === i ? JSON.stringify({ ...JSON.parse(l), ...change }) : l));

describe("audit export", () => {
  test("each line carries seq, ISO time, the fields, prev_hash and hash, oldest first", () => {
    const { t, lines } = exported(3);
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual(["seq", "time", "at", "actor", "actor_user_id", "via", "address", "action", "site_id", "target", "outcome", "detail", "prev_hash", "hash"]);
    expect(first).toMatchObject({ seq: 1, time: new Date(first.at).toISOString(), actor: "user0", prev_hash: AUDIT_ZERO_HASH });
    expect(JSON.parse(first.detail)).toEqual({ i: 0, nested: { even: true }, note: "record number 0" });
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
    expect(JSON.parse(lines[2]).hash).toBe(t.store.listAudit({ limit: 1 })[0].hash);
    // Each line's hash is the documented one over its own fields.
    for (const l of lines) {
      const { time: _, hash, ...row } = JSON.parse(l) as AuditRow & { time: string };
      expect(auditHash(row)).toBe(hash);
    }
  });

  test("a whole export verifies on its own, from a file too", async () => {
    const { lines } = exported(200);
    const last = JSON.parse(lines[199]);
    const want = { ok: true as const, records: 200, firstSeq: 1, lastSeq: 200, lastHash: last.hash, gaps: 0 };
    expect(verifyAuditExportLines(lines)).toEqual(want);
    const file = join(tempDir("dca-audit-export-"), "audit.jsonl");
    writeFileSync(file, `${lines.join("\r\n")}\n\n`);
    expect(await verifyAuditExportFile(file)).toEqual(want);
  });

  test("an empty export verifies as no records; a missing file is an error that says so", async () => {
    expect(verifyAuditExportLines([])).toEqual({ ok: true, records: 0, firstSeq: 0, lastSeq: 0, lastHash: "", gaps: 0 });
    await expect(verifyAuditExportFile(join(tempDir("dca-audit-export-"), "none.jsonl"))).rejects.toMatchObject({ code: "not-found", message: expect.stringContaining("none.jsonl") });
  });

  test("a tampered line fails, naming its seq and line", async () => {
    const { lines } = exported(50);
    expect(verifyAuditExportLines(edit(lines, 9, { actor: "mallory" }))).toMatchObject({ ok: false, line: 10, seq: 10, kind: "edited" });
    expect(verifyAuditExportLines(edit(lines, 30, { detail: "" }))).toMatchObject({ ok: false, line: 31, seq: 31, kind: "edited" });
    const file = join(tempDir("dca-audit-export-"), "audit.jsonl");
    writeFileSync(file, edit(lines, 44, { outcome: "ok", target: "x" }).join("\n"));
    expect(await verifyAuditExportFile(file)).toMatchObject({ ok: false, line: 45, seq: 45, kind: "edited" });
  });

  test("a time that no longer matches at fails: the readable time cannot be changed alone", () => {
    const { lines } = exported(5);
    expect(verifyAuditExportLines(edit(lines, 2, { time: "2020-01-01T00:00:00.000Z" }))).toMatchObject({ ok: false, seq: 3, kind: "edited" });
  });

  test("a removed, repeated or moved line fails", () => {
    const { lines } = exported(20);
    expect(verifyAuditExportLines(lines.filter((_, i) => i !== 7))).toMatchObject({ ok: false, seq: 9, kind: "missing", problem: "record 8 is missing before record 9: deleted" });
    expect(verifyAuditExportLines([...lines.slice(0, 5), lines[4], ...lines.slice(5)])).toMatchObject({ ok: false, seq: 5, line: 6, kind: "order" });
    // Swapped: seen first as a gap before the line that came too early.
    expect(verifyAuditExportLines([lines[0], lines[2], lines[1], ...lines.slice(3)])).toMatchObject({ ok: false, seq: 3, line: 2, kind: "missing" });
    expect(verifyAuditExportLines([...lines.slice(0, 5), lines[2], ...lines.slice(5)])).toMatchObject({ ok: false, seq: 3, line: 6, kind: "order" });
  });

  test("a forged line, hashed correctly, in place of another is caught at the next line", () => {
    const { lines } = exported(20);
    const { time: _, hash: __, ...row } = { ...JSON.parse(lines[10]), actor: "nobody" };
    const forged = JSON.stringify({ ...JSON.parse(lines[10]), actor: "nobody", hash: auditHash(row) });
    const v = verifyAuditExportLines(lines.map((l, i) => (i === 10 ? forged : l)));
    expect(v).toMatchObject({ ok: false, seq: 12, line: 12, kind: "unlinked" });
  });

  test("a line that is not an export record is named by its line", () => {
    const { lines } = exported(4);
    expect(verifyAuditExportLines([lines[0], "not json", lines[1]])).toMatchObject({ ok: false, line: 2, kind: "malformed", problem: "line 2: not JSON" });
    expect(verifyAuditExportLines([lines[0], "[1,2]"])).toMatchObject({ ok: false, line: 2, kind: "malformed" });
    const { at: _, ...noAt } = JSON.parse(lines[1]);
    expect(verifyAuditExportLines([lines[0], JSON.stringify(noAt)])).toMatchObject({ ok: false, line: 2, problem: 'line 2: record 2 has no whole number "at"' });
    expect(verifyAuditExportLines(edit(lines, 1, { note: "added" }))).toMatchObject({ ok: false, line: 2, problem: "line 2: record 2 has a field an audit export does not write: note" });
    expect(verifyAuditExportLines(edit(lines, 1, { at: 9e15 }))).toMatchObject({ ok: false, line: 2, kind: "malformed" });
  });

  test("an export whose first line claims to start the log needs the zero hash", () => {
    const { lines } = exported(3);
    const { time: _, hash: __, ...row } = { ...JSON.parse(lines[0]), prev_hash: "e".repeat(64) };
    const forged = JSON.stringify({ ...JSON.parse(lines[0]), prev_hash: "e".repeat(64), hash: auditHash(row) });
    expect(verifyAuditExportLines([forged])).toMatchObject({ ok: false, seq: 1, kind: "anchor" });
  });

  test("an export cut by time or after retention starts from its first record's prev_hash, and says so", () => {
    const { t, lines } = exported(30);
    const since = new Date(JSON.parse(lines[10]).at);
    const part: string[] = [];
    t.store.exportAudit({ since }, (l) => part.push(l));
    expect(part).toEqual(lines.slice(10));
    expect(verifyAuditExportLines(part)).toEqual({
      ok: true, records: 20, firstSeq: 11, lastSeq: 30, lastHash: JSON.parse(lines[29]).hash, gaps: 0,
      start: { seq: 10, hash: JSON.parse(lines[9]).hash },
    });
    t.clock.advance(400 * DAY);
    t.store.pruneAudit(365);
    const after: string[] = [];
    t.store.exportAudit({}, (l) => after.push(l));
    expect(after).toHaveLength(1);
    expect(verifyAuditExportLines(after)).toMatchObject({ ok: true, records: 1, firstSeq: 31, start: { seq: 30, hash: JSON.parse(lines[29]).hash } });
  });

  test("a filtered export has gaps: refused as they are, checked record by record with allowGaps", () => {
    const { t, lines } = exported(40);
    const mine: string[] = [];
    expect(t.store.exportAudit({ actor: "user3" }, (l) => mine.push(l))).toBe(6);
    expect(verifyAuditExportLines(mine)).toMatchObject({ ok: false, seq: 11, kind: "missing" });
    expect(verifyAuditExportLines(mine, { allowGaps: true })).toMatchObject({ ok: true, records: 6, firstSeq: 4, lastSeq: 39, gaps: 5 });
    expect(verifyAuditExportLines(edit(mine, 2, { target: "x" }), { allowGaps: true })).toMatchObject({ ok: false, seq: 18, kind: "edited" });
    expect(lines).toHaveLength(40);
  });
});

// A verifier written from the documented encoding alone: docs/security.md is to show this program (keep the two the same).
const VERIFY_PY = `
import hashlib, json, sys
prev = None
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not line.strip():
        continue
    r = json.loads(line)
    fields = [r[k] for k in ("seq", "at", "actor", "actor_user_id", "via", "address", "action",
                              "site_id", "target", "outcome", "detail", "prev_hash")]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != r["hash"]:
        sys.exit(f"record {r['seq']} (line {n}) does not match its hash")
    if prev is not None and (r["seq"] != prev["seq"] + 1 or r["prev_hash"] != prev["hash"]):
        sys.exit(f"record {r['seq']} (line {n}) does not follow record {prev['seq']}")
    prev = r
print(f"ok through record {prev['seq']}, last hash {prev['hash']}")
`;

const python = Bun.which("python3");
// The hash encoding as documented is enough to check an export without dca: a short program written
// from the documentation alone verifies a real export with text that stresses the encoding.
describe.skipIf(!python)("an export checked by a program written from the documentation (python3)", () => {
  test("verifies a real export with awkward text, and finds a tampered line", async () => {
    const t = openAuditTestStore();
    opened.push(t);
    const awkward = 'quote " backslash \\ nl \n tab \t nul \u0000 del \u007f é ß 漢字 😀 ls \u2028 ps \u2029 lone \ud800';
    t.store.appendAudit({ actor: "ålice", action: "UserCreated", outcome: "ok", target: awkward, detail: { note: awkward, n: 1.5, big: 1e21, neg: -0 } });
    t.store.appendAudit({ actor: "bob", address: "::1", action: "SignInFailed", outcome: "failed", detail: { "10": 1, "9": 2, z: [null, true] } });
    const last = t.store.appendAudit({ actor: "admin-local:root", via: "admin-local", action: "AuditExported", outcome: "ok" });
    const lines: string[] = [];
    t.store.exportAudit({}, (l) => lines.push(l));
    const dir = tempDir("dca-audit-py-");
    const script = join(dir, "verify.py");
    writeFileSync(script, VERIFY_PY);

    const run = async (name: string, content: string) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      const p = Bun.spawn([python as string, script, file], { stdout: "pipe", stderr: "pipe" });
      return { code: await p.exited, out: (await new Response(p.stdout).text()).trim(), err: (await new Response(p.stderr).text()).trim() };
    };
    expect(await run("good.jsonl", `${lines.join("\n")}\n`)).toEqual({ code: 0, out: `ok through record 3, last hash ${last.hash}`, err: "" });

    const tampered = lines.map((l, i) => (i === 1 ? JSON.stringify({ ...JSON.parse(l), address: "203.0.113.1" }) : l));
    expect(await run("bad.jsonl", tampered.join("\n"))).toEqual({ code: 1, out: "", err: "record 2 (line 2) does not match its hash" });
  });
});

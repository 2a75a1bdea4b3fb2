import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { adminRun } from "../../../test/support/admin-run.ts";
import { sampleRecord, tamper } from "../../../test/support/audit-fixtures.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { runAdminCommand } from "./index.ts";

/** A hub with a few recorded changes half an hour apart (the owner's session stays within its idle limit). */
async function busyHub() {
  const h = adminHarness();
  const cli = adminRun(h);
  const { run } = cli;
  for (const s of ["Acme", "Bravo"]) {
    await run("site", "create", s);
    h.clock.advance(1800_000);
  }
  await run("site", "set-schedule", "Acme", "--read", "2h");
  h.clock.advance(1800_000);
  await run("group", "create", "North");
  return { h, ...cli };
}

/** Runs a command with no hub to talk to at all (no API, no session). */
async function offline(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runAdminCommand(argv, { dataDir: "/nonexistent", out: (s) => void (out += s), err: (s) => void (err += s), env: { HOME: "/nonexistent" } });
  return { code, out, err };
}

describe("audit commands", () => {
  test("list with filters, newest first, as text and JSON; readers need audit.read", async () => {
    const { h, run, runWith } = await busyHub();
    const list = await run("audit", "list");
    expect(list.code).toBe(0);
    const lines = list.out.split("\n");
    expect(lines[0]).toMatch(/^SEQ\s+TIME\s+ACTOR\s+ACTION\s+TARGET\s+SITE\s+OUTCOME\s+ADDRESS$/);
    expect(lines[1]).toMatch(/^4\s+2026-03-01 09:30:00Z\s+owner\s+CreateSiteGroup\s+site group North\s+-\s+ok\s+/);
    expect(lines[2]).toMatch(/^3\s+2026-03-01 09:00:00Z\s+owner\s+SetSiteSchedule\s+-\s+Acme\s+ok/);
    expect(lines[4]).toMatch(/^1\s+2026-03-01 08:00:00Z\s+owner\s+CreateSite\s+site Acme\s+Acme\s+ok/);
    expect(list.out).toEndWith("(newest first; older ones: --before 1)\n");

    expect((await run("audit", "list", "--action", "CreateSite")).out.trim().split("\n").length).toBe(4);
    expect((await run("audit", "list", "--site", "Acme")).out).toMatch(/^SEQ.*\n3\s.*\n1\s.*\n\(newest/);
    expect((await run("audit", "list", "--since", "45m")).out.trim().split("\n").slice(1, -1).map((l) => l.split(/\s+/)[0])).toEqual(["7", "6", "5", "4", "3"]);
    expect((await run("audit", "list", "--since", "2026-03-01T08:30:00Z", "--until", "2026-03-01T09:15:00Z")).out).toMatch(/^SEQ.*\n3\s.*\n2\s.*\n\(newest/);
    expect((await run("audit", "list", "--limit", "1", "--before", "3")).out).toMatch(/^SEQ.*\n2\s+\S+ \S+\s+owner\s+CreateSite\s+site Bravo/);
    expect((await run("audit", "list", "--actor", "nobody")).out).toBe("no audit records match\n");
    expect(await run("audit", "list", "--site", "Nowhere")).toMatchObject({ code: 1, err: expect.stringContaining(`unknown site "Nowhere"`) });
    expect(await run("audit", "list", "--since", "yesterday")).toMatchObject({ code: 2, err: expect.stringContaining("--since must be a duration") });
    expect(await run("audit", "list", "--limit", "20000")).toMatchObject({ code: 2 });

    const json = JSON.parse((await run("audit", "list", "--json", "--action", "SetSiteSchedule")).out);
    expect(json).toEqual([
      expect.objectContaining({ seq: 3, actor: "owner", action: "SetSiteSchedule", siteName: "Acme", outcome: "ok", detail: expect.objectContaining({ configVersion: "2" }) }),
    ]);
    expect(json[0].hash).toMatch(/^[0-9a-f]{64}$/);

    // Reading the log is recorded too (the listings above: 9 calls that reached the hub).
    expect(h.store.listAudit({ action: "ListAudit" }).length).toBe(9);
    const admin = h.as("admin");
    expect((await runWith({ api: admin }, "audit", "list")).code).toBe(0);
    for (const role of ["viewer", "technician", "billing"]) {
      const api = h.as(role, "Acme");
      for (const argv of [["list"], ["export"], ["verify"]]) {
        expect(await runWith({ api }, "audit", ...argv)).toMatchObject({ code: 1, err: expect.stringContaining("may not read the audit log (audit.read)") });
      }
    }
  });

  test("list --outcome: only ok, denied or failed records; another word is refused", async () => {
    const { run, runWith, h } = await busyHub();
    await runWith({ api: h.as("viewer") }, "user", "list");
    const denied = await run("audit", "list", "--outcome", "denied");
    expect(denied.out).toMatch(/^SEQ.*\n\d+\s.*\s+ListUsers\s.*denied\s.*\n$/);
    expect((await run("audit", "list", "--outcome", "ok")).out).not.toContain("denied");
    expect(await run("audit", "list", "--outcome", "maybe")).toMatchObject({ code: 2, err: expect.stringContaining("must be ok, denied or failed") });
  });

  test("export as JSON lines, verify here and at the hub; an edited row fails both, naming its seq", async () => {
    const { h, run } = await busyHub();
    const dir = tempDir("dca-audit-");
    const exported = await run("audit", "export");
    expect(exported.code).toBe(0);
    const lines = exported.out.trimEnd().split("\n");
    expect(lines.length).toBe(4);
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, time: "2026-03-01T08:00:00.000Z", actor: "owner", action: "CreateSite", target: "site Acme" });
    const file = join(dir, "audit.jsonl");
    writeFileSync(file, exported.out);

    expect(await offline("audit", "verify", "--file", file)).toEqual({ code: 0, out: `${file} verified: 4 records (seq 1 to 4), last hash ${JSON.parse(lines[3]!).hash}\n`, err: "" });
    const hub = await run("audit", "verify");
    expect(hub.code).toBe(0);
    // The export itself was recorded as record 5.
    expect(hub.out).toMatch(/^audit log verified: 5 records \(seq 1 to 5\), last hash [0-9a-f]{64}\n$/);

    const since = await run("audit", "export", "--since", "45m");
    const partial = join(dir, "partial.jsonl");
    writeFileSync(partial, since.out);
    expect((await offline("audit", "verify", "--file", partial)).out).toMatch(/verified: \d+ records \(seq 3 to \d+\), last hash \w+; it starts after record 2 \(hash [0-9a-f]{64}\)/);

    const edited = lines.map((l) => (JSON.parse(l).seq === 2 ? l.replace("site Bravo", "site Evil") : l)).join("\n");
    writeFileSync(join(dir, "edited.jsonl"), edited);
    expect(await offline("audit", "verify", "--file", join(dir, "edited.jsonl"))).toEqual({
      code: 1,
      out: "",
      err: `dca-hub audit verify: ${join(dir, "edited.jsonl")} fails at line 2 (record 2): record 2 does not match its hash: it was changed after it was written; this copy was changed or damaged\n`,
    });
    expect((await offline("audit", "verify", "--file", join(dir, "missing.jsonl"))).code).toBe(1);
    expect(await offline("audit", "verify")).toMatchObject({ code: 1, err: expect.stringContaining("not signed in to a hub") });

    tamper(h.dataDir, (db) => db.run("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"));
    const failed = await run("audit", "verify");
    expect(failed).toEqual({
      code: 1,
      out: "",
      err: "dca-hub audit verify: the audit log fails at record 3: record 3 does not match its hash: it was changed after it was written; 2 records before it hold; keep the hub's database as it is for investigation and compare it with an export kept elsewhere\n",
    });
    expect(h.store.listAudit({ action: "VerifyAudit", limit: 1 })[0]).toMatchObject({ outcome: "failed", detail: { ok: false, badSeq: 3 } });
    const after = join(dir, "after.jsonl");
    writeFileSync(after, (await run("audit", "export")).out);
    expect((await offline("audit", "verify", "--file", after)).err).toContain("fails at line 3 (record 3): record 3 does not match its hash");
    // The copy kept before still verifies, and shows what the record said.
    expect((await offline("audit", "verify", "--file", file)).code).toBe(0);
    expect(readFileSync(file, "utf8")).not.toContain("someone-else");
  });

  test("a long log streams in several chunks and verifies", async () => {
    const { h, run } = await busyHub();
    // 300 records of about 3 KB each: several chunks of the export.
    const filler = Object.fromEntries(Array.from({ length: 6 }, (_, k) => [`part${k}`, "x".repeat(500)]));
    for (let i = 0; i < 300; i++) h.store.appendAudit({ ...sampleRecord(i), detail: { i, ...filler } });
    const chunks: string[] = [];
    for await (const c of h.api.exportAudit({})) chunks.push(c.lines);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.endsWith("\n"))).toBe(true);
    const file = join(tempDir("dca-audit-"), "all.jsonl");
    writeFileSync(file, (await run("audit", "export")).out);
    expect((await offline("audit", "verify", "--file", file)).out).toContain("verified: 305 records (seq 1 to 305)");
  });
});

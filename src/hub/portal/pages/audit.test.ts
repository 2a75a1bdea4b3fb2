/**
 * The audit log page through the portal app in-process: records newest
 * first with the filters (actor, action, outcome, days) and paging, the
 * JSON lines download that verifies on its own, the verify button's
 * verdict, and a viewer refused with the RPC's words.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { noticeOf, signIn } from "../../../../test/support/portal-admin-fixture.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { person } from "../../../../test/support/sign-in-fixture.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { verifyAuditExportFile } from "../../audit/verify-export.ts";
import { AUDIT_PAGE } from "./audit.tsx";

/** The seq column of the page's rows. */
const seqs = (html: string) => [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));

describe("the audit log page", () => {
  test("records newest first, filtered by actor, action and outcome; older pages by seq", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    for (let i = 0; i < AUDIT_PAGE + 5; i++) b.h.store.appendAudit({ actor: "robot", action: "CreateSite", target: `s${i}`, outcome: "ok" });
    b.h.store.appendAudit({ actor: "mallory", action: "CreateUser", target: "x", outcome: "denied" });
    await signIn(b, "olive");
    const first = await b.text(await b.get("/audit"));
    const page1 = seqs(first);
    expect(page1.length).toBe(AUDIT_PAGE);
    expect(page1).toEqual([...page1].sort((x, y) => y - x));
    const older = /href="(\/audit\?before=\d+)">Older records/.exec(first)![1]!;
    expect(Math.max(...seqs(await b.text(await b.get(older))))).toBeLessThan(Math.min(...page1));
    const denied = await b.text(await b.get("/audit?outcome=denied"));
    expect(denied).toContain("<td>mallory</td><td>CreateUser</td><td>x</td><td>-</td><td>denied</td>");
    expect(denied).not.toContain("<td>robot</td>");
    expect(denied).toContain('<option value="denied" selected="">denied</option>');
    const byActor = await b.text(await b.get("/audit?actor=robot&action=CreateSite"));
    expect(seqs(byActor).length).toBe(AUDIT_PAGE);
    expect(byActor).not.toContain("<td>mallory</td>");
    const future = await b.text(await b.get("/audit?from=2099-01-01"));
    expect(future).toContain("No records match.");
  });

  test("the download is the log as JSON lines that verify on their own; the verify button says the chain holds", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    await signIn(b, "olive");
    await b.text(await b.get("/audit"));
    const r = await b.get("/audit/export.jsonl");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="audit-start-to-now.jsonl"');
    const text = await r.text();
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { seq: number; action: string });
    expect(lines.some((l) => l.action === "SignIn")).toBe(true);
    const file = join(tempDir("dca-audit-export-"), "audit.jsonl");
    writeFileSync(file, text);
    expect((await verifyAuditExportFile(file)).ok).toBe(true);
    const named = await b.get("/audit/export.jsonl?from=2026-03-01&to=2026-03-31");
    expect(named.headers.get("content-disposition")).toBe('attachment; filename="audit-2026-03-01-to-2026-03-31.jsonl"');
    const verified = await b.text(await b.post("/audit/verify", {}));
    expect(noticeOf(verified, "ok")).toMatch(/^The audit log verifies: \d+ records \(seq 1 to \d+\), last hash [0-9a-f]{64}\.$/);
  });

  test("a viewer may not read the log: the page and the download answer 403 with the RPC's words", async () => {
    const b = portalBrowser();
    await person(b.h, "vera", "viewer");
    await signIn(b, "vera");
    const page = await b.get("/audit");
    expect(page.status).toBe(403);
    expect(noticeOf(await b.text(page), "error")).toBe("permission denied: vera may not read the audit log (audit.read); an owner or admin can grant a role that allows it");
    const file = await b.get("/audit/export.jsonl");
    expect(file.status).toBe(403);
    expect(file.headers.get("content-disposition")).toBeNull();
  });
});

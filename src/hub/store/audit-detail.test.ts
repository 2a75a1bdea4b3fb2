import { afterEach, describe, expect, test } from "bun:test";
import { AUDIT_MAX_DETAIL_BYTES, AUDIT_MAX_STRING, auditText, canonicalDetail } from "./index.ts";
import { type AuditTestStore, openAuditTestStore } from "../../../test/support/audit-fixtures.ts";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("audit detail: canonical JSON", () => {
  test("keys sorted by code units at every level, no whitespace; integer-like keys too", () => {
    expect(canonicalDetail({ b: 1, a: { z: true, y: [3, "x", { d: 1, c: 2 }] }, "10": 0, "9": 0 })).toBe(
      '{"10":0,"9":0,"a":{"y":[3,"x",{"c":2,"d":1}],"z":true},"b":1}',
    );
  });

  test("the same facts in another order give the same text", () => {
    expect(canonicalDetail({ role: "viewer", site: "s1", user: { id: "u", name: "n" } })).toBe(
      canonicalDetail({ user: { name: "n", id: "u" }, site: "s1", role: "viewer" }),
    );
  });

  test("none or empty is stored as the empty string", () => {
    expect(canonicalDetail(undefined)).toBe("");
    expect(canonicalDetail({})).toBe("");
    expect(canonicalDetail({ gone: undefined })).toBe("");
  });

  test("values are normalised: undefined and functions left out, non-finite numbers null, bigints and Dates strings", () => {
    const d = canonicalDetail({
      u: undefined,
      f: () => 1,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      big: 12345678901234567890n,
      when: new Date("2026-03-01T08:00:00Z"),
      bad: new Date(Number.NaN),
      arr: [undefined, null, 1.5],
      esc: 'quote " back \\ nl \n tab \t bell \u0007',
    });
    expect(d).toBe(
      '{"arr":[null,null,1.5],"bad":null,"big":"12345678901234567890","esc":"quote \\" back \\\\ nl \\n tab \\t bell \\u0007","inf":null,"nan":null,"when":"2026-03-01T08:00:00.000Z"}',
    );
    expect(JSON.parse(d).esc).toBe('quote " back \\ nl \n tab \t bell \u0007');
  });

  test("nesting deeper than 8 levels becomes null", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const parsed = JSON.parse(canonicalDetail(deep));
    let depth = 0;
    for (let v = parsed; v !== null; v = v.d) depth++;
    expect(depth).toBe(9);
  });
});

describe("audit detail: bounds", () => {
  test("strings are cut to 512 characters ending in an ellipsis, never inside a surrogate pair", () => {
    expect(auditText("x".repeat(512))).toBe("x".repeat(512));
    const cut = auditText("y".repeat(2000));
    expect(cut).toHaveLength(AUDIT_MAX_STRING);
    expect(cut.endsWith("y\u2026")).toBe(true);
    // 510 x then emoji (2 code units) at 510-511: cutting at 511 would split it.
    const emoji = auditText(`${"x".repeat(510)}\u{1F600}${"z".repeat(10)}`);
    expect(emoji).toBe(`${"x".repeat(510)}\u2026`);
    expect(emoji.isWellFormed()).toBe(true);
  });

  test("lone surrogates become U+FFFD, so the UTF-8 bytes are defined", () => {
    expect(auditText("a\ud800b")).toBe("a\ufffdb");
    expect(canonicalDetail({ k: "\udc00" })).toBe('{"k":"\ufffd"}');
  });

  test("strings and keys inside the detail are cut too", () => {
    const d = JSON.parse(canonicalDetail({ ["k".repeat(600)]: "v".repeat(600), list: ["w".repeat(600)] }));
    const [key] = Object.keys(d).filter((k) => k !== "list");
    expect(key).toHaveLength(AUDIT_MAX_STRING);
    expect(d[key]).toHaveLength(AUDIT_MAX_STRING);
    expect(d.list[0]).toHaveLength(AUDIT_MAX_STRING);
  });

  test("a detail over 4 KB keeps whole entries in key order while they fit, and says how many it dropped", () => {
    const detail: Record<string, unknown> = {};
    for (let i = 0; i < 20; i++) detail[`k${String(i).padStart(2, "0")}`] = "é".repeat(300); // 600 bytes each
    detail.small = 1;
    const d = canonicalDetail(detail);
    expect(bytes(d)).toBeLessThanOrEqual(AUDIT_MAX_DETAIL_BYTES);
    const parsed = JSON.parse(d);
    expect(Object.keys(parsed)).toEqual(["_truncated", "k00", "k01", "k02", "k03", "k04", "k05", "small"]);
    expect(parsed._truncated).toBe(14);
    expect(parsed.k00).toBe(detail.k00);
  });

  test("one huge entry is dropped while the small ones stay", () => {
    const d = JSON.parse(canonicalDetail({ a: 1, big: Array.from({ length: 2000 }, (_, i) => i), z: "end" }));
    expect(d).toEqual({ _truncated: 1, a: 1, z: "end" });
  });
});

describe("audit detail: in the store", () => {
  const opened: AuditTestStore[] = [];
  afterEach(() => {
    for (const t of opened.splice(0)) t.store.close();
  });

  test("the stored record's fields and detail are bounded, and it still verifies", () => {
    const t = openAuditTestStore();
    opened.push(t);
    const detail: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) detail[`field${i}`] = "d".repeat(200);
    const r = t.store.appendAudit({ actor: "a".repeat(5000), action: "SignInFailed", outcome: "failed", target: "t".repeat(1000), detail });
    expect(r.actor).toHaveLength(AUDIT_MAX_STRING);
    expect(r.target).toHaveLength(AUDIT_MAX_STRING);
    expect(bytes(JSON.stringify(r.detail))).toBeLessThanOrEqual(AUDIT_MAX_DETAIL_BYTES);
    expect(r.detail._truncated).toBeGreaterThan(0);
    const [listed] = t.store.listAudit();
    expect(listed).toEqual(r);
    expect(t.store.verifyAudit()).toMatchObject({ ok: true, records: 1 });
  });
});

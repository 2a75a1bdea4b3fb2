import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BerReader, compareOids, decodeOid, parseOid } from "../../src/common/ber.ts";
import { readPdu } from "../../src/agent/snmp/message.ts";
import { loadRecordingSet } from "./recording-set.ts";
import { EntryKind, compareOidContent, findExact, findNext, hasDescendant, loadSnmprec, oidKey, parseSnmprec } from "./snmprec.ts";
import { DcaError } from "../../src/common/errors.ts";

// GPL test data from LibreNMS, read in place (see /work/shared/fixtures/printers/SOURCE.md).
const FIXTURES = join(import.meta.dir, "../../../shared/fixtures/printers");

const key = (oid: string) => oidKey(parseOid(oid));
const exact = (rec: ReturnType<typeof parseSnmprec>, oid: string) => findExact(rec, key(oid), 0, key(oid).length);
const next = (rec: ReturnType<typeof parseSnmprec>, oid: string) => rec.oids[findNext(rec, key(oid), 0, key(oid).length)];

/** Decodes a pre-encoded varbind by wrapping it in a minimal Response PDU. */
function decodeVarbind(vb: Uint8Array) {
  const pdu = Uint8Array.of(0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x81, vb.length, ...vb);
  return readPdu(new BerReader(Uint8Array.of(0xa2, 0x81, pdu.length, ...pdu))).varbinds[0];
}

describe("parseSnmprec", () => {
  const rec = parseSnmprec(
    [
      "# comment",
      "1.3.6.1.2.1.1.1.0|4|HP LaserJet | with a bar ",
      "1.3.6.1.2.1.1.2.0|6|.1.3.6.1.4.1.11",
      "1.3.6.1.2.1.1.3.0|67|4294967295",
      "",
      "1.3.6.1.2.1.2.2.1.6.1|4x|002536D1A65E",
      "1.3.6.1.2.1.4.20.1.1.10.0.0.7|64|10.0.0.7",
      "1.3.6.1.2.1.4.20.1.2.10.0.0.7|64x|0a000007",
      "1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615",
      "1.3.6.1.2.1.43.11.1.1.9.1.1|2|-3",
      "1.3.6.1.2.1.43.5.1.1.17.1|4e|a\\x00b\\n",
      "1.3.6.1.2.1.2.2.1.17.1|65|6git3159",
      "1.3.6.1.2.1.1.3.0|67|1",
      "1.3.6.1.2.1.2.2.1.10.1|65|7",
      "1.3.6.1.2.1.25.3.2.1.5.1|66|2",
      "1.3.6.1.2.1.99.1|5|",
    ].join("\n"),
    "mem.snmprec",
  );

  test("decodes every tag into the value snmpsim would serve", () => {
    const value = (oid: string) => {
      const vb = decodeVarbind(rec.varbinds[exact(rec, oid)]);
      expect(vb.oid).toBe(oid);
      return vb.value instanceof Uint8Array ? Buffer.from(vb.value).toString("latin1") : vb.value;
    };
    expect(value("1.3.6.1.2.1.1.1.0")).toBe("HP LaserJet | with a bar"); // stripped like snmpsim
    expect(value("1.3.6.1.2.1.1.2.0")).toBe("1.3.6.1.4.1.11");
    expect(value("1.3.6.1.2.1.1.3.0")).toBe(4294967295);
    expect(Buffer.from(value("1.3.6.1.2.1.2.2.1.6.1") as string, "latin1").toString("hex")).toBe("002536d1a65e");
    expect([...Buffer.from(value("1.3.6.1.2.1.4.20.1.1.10.0.0.7") as string, "latin1")]).toEqual([10, 0, 0, 7]);
    expect([...Buffer.from(value("1.3.6.1.2.1.4.20.1.2.10.0.0.7") as string, "latin1")]).toEqual([10, 0, 0, 7]);
    expect(value("1.3.6.1.2.1.31.1.1.1.6.1")).toBe(18446744073709551615n);
    expect(value("1.3.6.1.2.1.43.11.1.1.9.1.1")).toBe(-3);
    expect(value("1.3.6.1.2.1.43.5.1.1.17.1")).toBe("a\x00b\n");
    expect(value("1.3.6.1.2.1.99.1")).toBe(null);
    expect(rec.kinds[exact(rec, "1.3.6.1.2.1.31.1.1.1.6.1")]).toBe(EntryKind.Counter64);
  });

  test("keeps an invalid value as an entry marked Invalid, with its line", () => {
    const i = exact(rec, "1.3.6.1.2.1.2.2.1.17.1");
    expect(rec.kinds[i]).toBe(EntryKind.Invalid);
    expect(rec.invalid).toEqual([{ line: 12, oid: "1.3.6.1.2.1.2.2.1.17.1", reason: 'not an integer: "6git3159"' }]);
  });

  test("sorts numerically and keeps the first of duplicated OIDs", () => {
    expect(rec.duplicates).toEqual([13]);
    expect(decodeVarbind(rec.varbinds[exact(rec, "1.3.6.1.2.1.1.3.0")]).value).toBe(4294967295);
    const arcs = rec.oids.map((o) => parseOid(o));
    for (let i = 1; i < arcs.length; i++) expect(compareOids(arcs[i - 1], arcs[i])).toBeLessThan(0);
    expect(next(rec, "1.3.6.1.2.1.2.2.1.6.1")).toBe("1.3.6.1.2.1.2.2.1.10.1"); // 10 after 6, not after 1
  });

  test("names file and line for lines that cannot be indexed", () => {
    expect(() => parseSnmprec("1.3.6.1.2.1.1.1.0|4|ok\n1.3.6.1.2.1.1.2.0 4 broken\n", "x.snmprec")).toThrow(
      new DcaError("malformed", 'x.snmprec:2: expected OID|TYPE|VALUE, got "1.3.6.1.2.1.1.2.0 4 broken"'),
    );
    expect(() => parseSnmprec("1.3.6.x|4|v", "y.snmprec")).toThrow("y.snmprec:1: bad OID");
    expect(() => parseSnmprec("|4|v", "z.snmprec")).toThrow("z.snmprec:1: empty OID or type");
  });

  test("reports unknown tags and bad values as invalid instead of failing", () => {
    const r = parseSnmprec("1.3.6.1.1|2|99999999999\n1.3.6.1.2|64|1.2.3\n1.3.6.1.3|4x|abc\n1.3.6.1.4|2:numeric|1\n");
    expect(r.invalid.map((e) => e.line)).toEqual([1, 2, 3, 4]);
  });
});

describe("extensions for buggy agents", () => {
  test("tag suffix r serves the hex bytes as the whole value TLV", () => {
    const rec = parseSnmprec("1.3.6.1.2.1.43.10.2.1.4.1.1|65r|4100\n1.3.6.1.9|2r|zz\n1.3.6.1.8|4r|\n");
    const vb = rec.varbinds[exact(rec, "1.3.6.1.2.1.43.10.2.1.4.1.1")];
    // SEQUENCE { OID, 41 00 }: the framing is right, the Counter32 has no content octets.
    const oid = oidKey(parseOid("1.3.6.1.2.1.43.10.2.1.4.1.1"));
    expect(Buffer.from(vb).toString("hex")).toBe(`30${(oid.length + 4).toString(16).padStart(2, "0")}06${oid.length.toString(16).padStart(2, "0")}${Buffer.from(oid).toString("hex")}4100`);
    expect(rec.kinds[exact(rec, "1.3.6.1.2.1.43.10.2.1.4.1.1")]).toBe(EntryKind.Value);
    expect(rec.invalid.map((e) => e.line)).toEqual([2, 3]);
  });

  test("tag suffix d keeps a second line for the same OID right after the first", () => {
    const rec = parseSnmprec(
      ["1.3.6.1.4.1.367.1.2|65|20", "1.3.6.1.4.1.367.1.1|65|10", "1.3.6.1.4.1.367.1.2|65d|21", "1.3.6.1.4.1.367.1.2|65|22", "1.3.6.1.4.1.367.1.3|65d|30"].join("\n"),
    );
    expect(rec.oids).toEqual(["1.3.6.1.4.1.367.1.1", "1.3.6.1.4.1.367.1.2", "1.3.6.1.4.1.367.1.2", "1.3.6.1.4.1.367.1.3"]);
    expect(rec.repeats).toEqual([3]);
    expect(rec.duplicates).toEqual([4]);
    // GET answers the first line; GETNEXT steps over both copies, so a GETNEXT walk cannot loop.
    expect(decodeVarbind(rec.varbinds[exact(rec, "1.3.6.1.4.1.367.1.2")]).value).toBe(20);
    expect(decodeVarbind(rec.varbinds[exact(rec, "1.3.6.1.4.1.367.1.2") + 1]).value).toBe(21);
    expect(next(rec, "1.3.6.1.4.1.367.1.1")).toBe("1.3.6.1.4.1.367.1.2");
    expect(next(rec, "1.3.6.1.4.1.367.1.2")).toBe("1.3.6.1.4.1.367.1.3");
  });
});

describe("OID order on BER content bytes", () => {
  const cmp = (x: number[], y: number[]) => {
    const [a, b] = [oidKey(x), oidKey(y)];
    return Math.sign(compareOidContent(a, 0, a.length, b, 0, b.length));
  };

  test("compares arcs numerically even where bytewise order would not", () => {
    expect(cmp([1, 3, 298], [1, 3, 16384])).toBe(-1); // 82 2a vs 81 80 00
    expect(cmp([1, 3, 6, 1, 4, 1, 2435], [1, 3, 6, 1, 4, 1, 18334])).toBe(-1);
    expect(cmp([1, 3, 127], [1, 3, 128])).toBe(-1);
    expect(cmp([1, 3, 6], [1, 3, 6, 0])).toBe(-1);
    expect(cmp([1, 3, 6, 1], [1, 3, 6, 1])).toBe(0);
    expect(cmp([2, 999, 1], [1, 3, 2 ** 32 - 1])).toBe(1);
  });

  test("equals compareOids on pseudo-random OIDs", () => {
    const pick = [0, 1, 2, 39, 127, 128, 129, 255, 298, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 32 - 1];
    let seed = 12345;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const arcs: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const a = [rand(3), rand(40)];
      if (a[0] === 2) a[1] = pick[rand(pick.length)];
      const len = 2 + rand(7);
      while (a.length < len) a.push(rand(2) ? pick[rand(pick.length)] : rand(40000));
      arcs.push(a);
    }
    const byArcs = [...arcs].sort(compareOids).map((a) => a.join("."));
    const byBytes = [...arcs].sort(cmp).map((a) => a.join("."));
    expect(byBytes).toEqual(byArcs);
  });

  test("oidKey is the OID's BER content", () => {
    const k = oidKey([1, 3, 6, 1, 4, 1, 2435, 2, 3, 9, 1]);
    const tlv = Uint8Array.of(0x06, k.length, ...k);
    expect(decodeOid(tlv, new BerReader(tlv).tlv())).toBe("1.3.6.1.4.1.2435.2.3.9.1");
  });

  test("the index and GETNEXT follow numeric order across arc lengths", () => {
    const rec = parseSnmprec("1.3.6.1.2.1.6.13.1.1.0.0.0.0.16384|2|2\n1.3.6.1.2.1.6.13.1.1.0.0.0.0.298|2|1\n");
    expect(rec.oids).toEqual(["1.3.6.1.2.1.6.13.1.1.0.0.0.0.298", "1.3.6.1.2.1.6.13.1.1.0.0.0.0.16384"]);
    expect(next(rec, "1.3.6.1.2.1.6.13.1.1.0.0.0.0.299")).toBe("1.3.6.1.2.1.6.13.1.1.0.0.0.0.16384");
    expect(next(rec, "1.3.6.1.2.1.6.13.1.1.0.0.0.0.16383")).toBe("1.3.6.1.2.1.6.13.1.1.0.0.0.0.16384");
    expect(exact(rec, "1.3.6.1.2.1.6.13.1.1.0.0.0.0.16384")).toBe(1);
  });
});

describe("real recordings", () => {
  test("every fixture loads; only the known quirks show up", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".snmprec"));
    expect(files.length).toBeGreaterThanOrEqual(39);
    const quirks: Record<string, unknown> = {};
    for (const f of files) {
      const rec = loadSnmprec(join(FIXTURES, f));
      expect(rec.size).toBeGreaterThan(0);
      if (rec.invalid.length || rec.duplicates.length) quirks[f] = { invalid: rec.invalid.map((e) => e.line), duplicates: rec.duplicates.length };
    }
    expect(quirks).toEqual({
      "okilan_9450g.snmprec": { invalid: [23], duplicates: 0 },
      "canonprinter_lbp.snmprec": { invalid: [], duplicates: 2 },
    });
  });

  test("searches find exact entries, successors and subtrees", () => {
    const rec = loadSnmprec(join(FIXTURES, "okilan_9450g.snmprec"));
    expect(exact(rec, "1.3.6.1.2.1.1.5.0")).toBeGreaterThanOrEqual(0);
    expect(exact(rec, "1.3.6.1.2.1.1.5")).toBe(-1);
    expect(next(rec, "1.3.6.1.2.1.1.5")).toBe("1.3.6.1.2.1.1.5.0");
    expect(next(rec, "1.3")).toBe("1.3.6.1.2.1.1.1.0");
    expect(next(rec, "1.3.6.1.2.1.2.2.1.16.1")).toBe("1.3.6.1.2.1.2.2.1.17.1"); // the handler skips it
    expect(findNext(rec, key("2.0"), 0, 1)).toBe(rec.size);
    const k = key("1.3.6.1.2.1.43");
    expect(hasDescendant(rec, k, 0, k.length)).toBe(true);
    const k2 = key("1.3.6.1.2.1.43.11.1.1.9.1.1");
    expect(hasDescendant(rec, k2, 0, k2.length)).toBe(false);
  });

  test("loads context companions with their recording", () => {
    const set = loadRecordingSet(join(FIXTURES, "jetdirect_context.snmprec"));
    expect(set.name).toBe("jetdirect_context");
    expect([...set.contexts.keys()]).toEqual(["Jetdirect"]);
    expect(set.contexts.get("Jetdirect")?.oids).toEqual(["1.3.6.1.4.1.11.2.3.9.1.1.7.0"]);
  });
});

/**
 * The OID helpers the walks use on every varbind: the string comparison must
 * order exactly as the arc-by-arc one, and parsing must refuse what it refused
 * before it was rewritten without a regular expression.
 */
import { describe, expect, test } from "bun:test";
import { BerReader, BerWriter, MAX_OID_ARCS, compareDottedOids, compareOids, decodeOid, parseOid } from "./ber.ts";

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe("compareDottedOids", () => {
  test("orders as compareOids on the parsed arcs, on tricky and on random pairs", () => {
    const pairs: [string, string][] = [
      ["1.3.6.1", "1.3.6.1"],
      ["1.3.6.1", "1.3.6.1.0"],
      ["1.3.6.1.2", "1.3.6.1.10"],
      ["1.3.6.1.9", "1.3.6.1.10"],
      ["1.3.6.1.100", "1.3.6.1.99.5"],
      [".1.3.6.1.4", "1.3.6.1.4"],
      ["1.3.6.1.4294967295", "1.3.6.1.4294967294.1"],
      ["2.999", "2.1000"],
    ];
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const oid = () => ["1.3", ...Array.from({ length: 1 + rnd(6) }, () => String(rnd(4) === 0 ? rnd(300000) : rnd(12)))].join(".");
    for (let i = 0; i < 2000; i++) pairs.push([oid(), oid()]);
    // Long shared prefixes, as a walk's rows and its cursor have.
    const row = (p: string) => [p, ...Array.from({ length: 1 + rnd(3) }, () => String(rnd(3) === 0 ? rnd(1000) : rnd(12)))].join(".");
    for (let i = 0; i < 2000; i++) pairs.push([row("1.3.6.1.2.1.43.11.1.1"), row(rnd(2) ? "1.3.6.1.2.1.43.11.1.1" : ".1.3.6.1.2.1.43.11.1")]);
    pairs.push([".1.3.6.1.4", ".1.3.6.1.5"], [".1.3.6.1.40", ".1.3.6.1.5"], ["1.3.6.1.2.1.1", "1.3.6.1.2.1"], ["1.3.6.1.19", "1.3.6.1.2"]);
    for (const [a, b] of pairs) {
      expect([a, b, sign(compareDottedOids(a, b))]).toEqual([a, b, sign(compareOids(parseOid(a), parseOid(b)))]);
      expect(sign(compareDottedOids(b, a)) + sign(compareDottedOids(a, b))).toBe(0);
    }
  });
});

describe("parseOid", () => {
  test("reads dotted OIDs with or without the leading dot", () => {
    expect(parseOid("1.3.6.1.2.1")).toEqual([1, 3, 6, 1, 2, 1]);
    expect(parseOid(".1.3.6.1")).toEqual([1, 3, 6, 1]);
    expect(parseOid("1.3.4294967295")).toEqual([1, 3, 4294967295]);
  });
  test("refuses empty, doubled or trailing dots, signs, spaces, letters and arcs over 32 bits", () => {
    for (const bad of ["", ".", "1..3", "1.3.", "1.-3", "1. 3", "1.3a", "a.1", "1.3.4294967296", "1.3.12345678901", "1.3.+4"]) {
      expect(() => parseOid(bad), bad).toThrow();
    }
  });
});

describe("decodeOid", () => {
  test("decodes what BerWriter encodes, first arcs included", () => {
    for (const oid of ["1.3.6.1.2.1.1.1.0", "0.0", "1.39", "2.5.4.3", "2.999.1", "1.3.6.1.4.1.4294967295.128.16383.16384"]) {
      const w = new BerWriter();
      w.oid(oid);
      const bytes = w.bytes();
      const r = new BerReader(bytes);
      expect(decodeOid(bytes, r.tlv())).toBe(oid);
    }
  });

  test("takes 128 sub-identifiers and refuses 129 (RFC 2578), here and from net-snmp", () => {
    const decode = (arcs: number) => {
      const w = new BerWriter();
      w.oid(["1", "3", ...Array.from({ length: arcs - 2 }, () => "1")].join("."));
      const bytes = w.bytes();
      return decodeOid(bytes, new BerReader(bytes).tlv());
    };
    expect(decode(MAX_OID_ARCS).split(".")).toHaveLength(128);
    expect(() => decode(MAX_OID_ARCS + 1)).toThrow("OID longer than 128 sub-identifiers");
  });
});

import { describe, expect, test } from "bun:test";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { CodedCounterTable } from "../profiles/index.ts";
import { Tag } from "../../common/ber.ts";
import type { VarBind } from "../snmp/session.ts";
import { codedCounters } from "./vendor-data.ts";

const E = "1.3.6.1.4.1.99.1";
const c32 = (oid: string, value: number): VarBind => ({ oid, tag: Tag.Counter32, value });
const int = (oid: string, value: number): VarBind => ({ oid, tag: Tag.Integer, value });
const str = (oid: string, text: string): VarBind => ({ oid, tag: Tag.OctetString, value: new TextEncoder().encode(text) });

const byColumn: CodedCounterTable = {
  entry: E,
  valueColumn: 9,
  codeColumn: 2,
  nameColumn: 5,
  codes: { "10": { kind: CounterKind.TOTAL, name: "total" }, "401": { kind: CounterKind.PRINT_MONO, name: "print-mono" } },
};

describe("codedCounters", () => {
  test("the code column, not the row position, says what a meter is", () => {
    const vbs = [int(`${E}.2.1`, 401), int(`${E}.2.2`, 10), c32(`${E}.9.1`, 70), c32(`${E}.9.2`, 100)];
    const r = codedCounters(byColumn, vbs, "s");
    expect(r.counters.map((c) => `${c.kind} ${c.name} ${c.value} ${c.oid}`)).toEqual([
      `${CounterKind.PRINT_MONO} print-mono 70 ${E}.9.1`,
      `${CounterKind.TOTAL} total 100 ${E}.9.2`,
    ]);
  });

  test("unknown codes are OTHER under the device's label, or left out when told", () => {
    const vbs = [int(`${E}.2.1`, 874), str(`${E}.5.1`, "Scan: B/W"), c32(`${E}.9.1`, 5)];
    expect(codedCounters(byColumn, vbs, "s").counters.map((c) => `${c.kind} ${c.name}`)).toEqual([`${CounterKind.OTHER} Scan: B/W`]);
    expect(codedCounters({ ...byColumn, unknownCodes: "ignore" }, vbs, "s").counters).toEqual([]);
  });

  test("a wrong-typed value is a problem naming its OID; later rows still read; a repeated code keeps the first row", () => {
    const vbs = [
      int(`${E}.2.1`, 401),
      int(`${E}.2.2`, 10),
      int(`${E}.2.3`, 10),
      str(`${E}.9.1`, "n/a"),
      c32(`${E}.9.2`, 100),
      c32(`${E}.9.3`, 999),
    ];
    const r = codedCounters(byColumn, vbs, "s");
    expect(r.counters.map((c) => `${c.name}=${c.value}`)).toEqual(["total=100"]);
    expect(r.problems.map((p) => p.oid)).toEqual([`${E}.9.1`]);
    expect(r.problems[0].message).toContain("not a number");
  });

  test("without a code column the last index arc is the code", () => {
    const t: CodedCounterTable = { entry: E, valueColumn: 4, codes: { "101": { kind: CounterKind.TOTAL, name: "total-1" } } };
    const r = codedCounters(t, [c32(`${E}.4.101`, 12), c32(`${E}.4.124`, 3)], "s");
    expect(r.counters.map((c) => `${c.kind} ${c.name} ${c.value}`)).toEqual([`${CounterKind.TOTAL} total-1 12`, `${CounterKind.OTHER} code-124 3`]);
  });
});

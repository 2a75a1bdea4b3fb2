import { expect, test } from "bun:test";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import type { VarBind } from "../snmp/session.ts";
import type { SummedCounterTable } from "../profiles/profile.ts";
import { summedCounters } from "./vendor-data.ts";

const E = "1.3.6.1.4.1.236.11.5.11.53.11.2.1";
const int = (oid: string, value: number): VarBind => ({ oid, tag: 2, value }) as VarBind;
const c32 = (oid: string, value: number): VarBind => ({ oid, tag: 0x41, value }) as VarBind;
const str = (oid: string, value: string): VarBind => ({ oid, tag: 4, value: Buffer.from(value) }) as VarBind;
const table: SummedCounterTable = {
  entry: E,
  valueColumn: 7,
  meters: [
    { kind: CounterKind.PRINT, name: "print", where: { 2: [1] } },
    { kind: CounterKind.COPY, name: "copy", where: { 2: [2] } },
    { kind: CounterKind.FAX_SEND, name: "fax out", where: { 2: [4] } },
    { kind: CounterKind.PRINT_COLOR, name: "print colour", where: { 2: [1], 6: [1] } },
  ],
};
const rows = (copyValue: VarBind) => [
  int(`${E}.2.1.1`, 1), int(`${E}.2.1.2`, 1), int(`${E}.2.1.3`, 2),
  int(`${E}.6.1.1`, 1), int(`${E}.6.1.2`, 3), int(`${E}.6.1.3`, 3),
  c32(`${E}.7.1.1`, 10), c32(`${E}.7.1.2`, 32), copyValue,
];

test("each meter is the sum of the rows its columns select; no row, no meter", () => {
  const r = summedCounters(table, rows(c32(`${E}.7.1.3`, 5)), "profile:x");
  expect(r.counters.map((c) => `${CounterKind[c.kind]} ${c.value} ${c.name} ${c.oid}`)).toEqual([
    `PRINT 42 print (sum of 2 rows) ${E}.7`,
    `COPY 5 copy (sum of 1 rows) ${E}.7`,
    `PRINT_COLOR 10 print colour (sum of 1 rows) ${E}.7`,
  ]);
  expect(r.problems).toEqual([]);
});

test("a selected row that is not a number makes that sum unknown: a problem, not a smaller meter", () => {
  const r = summedCounters(table, rows(str(`${E}.7.1.3`, "n/a")), "profile:x");
  expect(r.counters.map((c) => CounterKind[c.kind])).toEqual(["PRINT", "PRINT_COLOR"]);
  expect(r.problems.map((p) => p.oid)).toEqual([`${E}.7.1.3`]);
});

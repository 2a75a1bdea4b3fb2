import { describe, expect, test } from "bun:test";
import { SupplyState, SupplyType } from "../../gen/dca/v1/reading_pb.ts";
import { Tag } from "../../common/ber.ts";
import { brother } from "../profiles/vendors/brother.ts";
import type { NamedLevel } from "./decoders/index.ts";
import { OID } from "./oids.ts";
import { buildSupplies } from "./supplies.ts";
import { toTable } from "./values.ts";

const E = OID.prtMarkerSuppliesEntry;
const int = (col: number, row: number, value: number) => ({ oid: `${E}.${col}.1.${row}`, tag: Tag.Integer, value }) as const;
const str = (col: number, row: number, text: string) => ({ oid: `${E}.${col}.1.${row}`, tag: Tag.OctetString, value: new TextEncoder().encode(text) }) as const;
const BLOCK = "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.8.0";
const level = (item: string, l: Partial<NamedLevel>): NamedLevel => ({ item, basis: `code for ${item}`, oid: BLOCK, type: SupplyType.OTHER, ...l });

describe("vendor levels by part name", () => {
  test("an ink model's cartridge takes the block's 'toner' value when the Printer-MIB says -3", () => {
    const supplies = toTable(E, [str(6, 1, "Black Ink Cartridge"), int(5, 1, 6), int(8, 1, -2), int(9, 1, -3)]);
    const [ink] = buildSupplies(supplies, new Map(), brother, new Map(), [level("black toner", { percent: 40 })]);
    expect([ink?.percent, SupplyState[ink?.state ?? 0], ink?.percentBasis]).toEqual([40, "OK", "code for black toner = 40 % (Printer-MIB level -3)"]);
  });

  test("a part with no Printer-MIB row is a supply of its own; pages left alone say 'some remaining'", () => {
    const parts = buildSupplies(toTable(E, []), new Map(), brother, new Map(), [level("paper feeding kit 1", { remainingPages: 37200 }), level("fuser", { remainingPages: 0 })]);
    expect(parts.map((s) => [s.index, s.description, s.level, s.remainingPages, SupplyState[s.state]])).toEqual([
      [0, "Paper feeding kit 1", undefined, 37200, "SOME_REMAINING"],
      [0, "Fuser", undefined, 0, "EMPTY"],
    ]);
  });
});

/**
 * The literal builders give exactly what protobuf-es's create() gives, and set
 * every field the schema has: a field added to the proto fails here until the
 * builder sets it.
 */
import { describe, expect, test } from "bun:test";
import { type DescMessage, create } from "@bufbuild/protobuf";
import { CounterKind, CounterSchema, CounterUnit, SupplySchema, SupplyState, SupplyType, TraySchema, TrayState } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage, supplyMessage, trayMessage } from "./reading-messages.ts";

/** An init that sets every field of the schema to a value that is not its zero. */
function fullInit(schema: DescMessage): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (f.fieldKind === "enum") init[f.localName] = 1;
    else if (f.fieldKind === "scalar") {
      const t = f.scalar;
      init[f.localName] = t === 9 ? `x-${f.localName}` : t === 8 ? true : t === 4 || t === 3 || t === 6 || t === 16 || t === 18 ? 7n : t === 1 || t === 2 ? 1.5 : 7;
    } else throw new Error(`${schema.typeName}.${f.localName}: ${f.fieldKind} fields are not built here`);
  }
  return init;
}

const cases = [
  { schema: CounterSchema, build: counterMessage as (i: never) => unknown },
  { schema: SupplySchema, build: supplyMessage as (i: never) => unknown },
  { schema: TraySchema, build: trayMessage as (i: never) => unknown },
];

describe("reading message builders", () => {
  for (const { schema, build } of cases) {
    test(`${schema.typeName}: the same as create() when empty, full, or partly set`, () => {
      const full = fullInit(schema);
      expect(Object.keys(build(full as never) as object).sort()).toEqual(["$typeName", ...schema.fields.map((f) => f.localName)].sort());
      for (const init of [{}, full, Object.fromEntries(Object.entries(full).filter((_, i) => i % 2 === 0))]) {
        expect(build(init as never)).toStrictEqual(create(schema, init as never));
      }
    });
  }

  test("zeros and explicit undefined of optional fields as create() has them", () => {
    const counter = { kind: CounterKind.TOTAL, value: 0n, unit: CounterUnit.IMPRESSIONS, oid: "1.3.6.1.2.1.43.10.2.1.4.1.1", name: "total", markerIndex: 1 };
    expect(counterMessage(counter)).toStrictEqual(create(CounterSchema, counter));
    const supply = { index: 1, type: SupplyType.TONER, level: 0, maxCapacity: undefined, percent: 0, state: SupplyState.EMPTY, remainingPages: undefined };
    expect(supplyMessage(supply)).toStrictEqual(create(SupplySchema, supply));
    const tray = { index: 2, maxCapacity: 0, currentLevel: undefined, percent: undefined, state: TrayState.EMPTY };
    expect(trayMessage(tray)).toStrictEqual(create(TraySchema, tray));
  });
});

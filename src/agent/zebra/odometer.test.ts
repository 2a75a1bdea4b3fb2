import { describe, expect, test } from "bun:test";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { ODOMETER_SOURCE, odometerCounters, parseOdometer } from "./odometer.ts";
import { ZebraError } from "./zebra-error.ts";

// The ZPL II Programming Guide's ~HQ example ("Example: odometer query"), in inches
// and after ^MA,,,,C in centimetres, with the STX/CR LF/ETX framing and padding
// a ZT-series printer sends.
const INCHES =
  '\x02\r\n  PRINT METERS\r\n   TOTAL NONRESETTABLE:        8560 "\r\n   USER RESETTABLE CNTR1:         9 "\r\n   USER RESETTABLE CNTR2:      8560 "\r\n\x03\r\n';
const CM = "\x02\r\n  PRINT METERS\r\n   TOTAL NONRESETTABLE:      21744 cm\r\n   USER RESETTABLE CNTR1:       24 cm\r\n   USER RESETTABLE CNTR2:    21744 cm\r\n\x03";

describe("parseOdometer", () => {
  test("inches", () => {
    expect(parseOdometer(INCHES)).toEqual({
      totalNonResettableInches: 8560,
      resettable: [
        { name: "USER RESETTABLE CNTR1", inches: 9 },
        { name: "USER RESETTABLE CNTR2", inches: 8560 },
      ],
      other: [],
    });
  });

  test("centimetres, and both units on one line", () => {
    const cm = parseOdometer(CM);
    expect(cm.totalNonResettableCm).toBe(21744);
    expect(cm.totalNonResettableInches).toBeUndefined();
    expect(cm.resettable[0]).toEqual({ name: "USER RESETTABLE CNTR1", cm: 24 });
    const both = parseOdometer("TOTAL NONRESETTABLE: 8516 INCHES, 21632 CENTIMETERS\r\n");
    expect(both).toMatchObject({ totalNonResettableInches: 8516, totalNonResettableCm: 21632 });
  });

  test("early-warning lines are kept apart from the resettable counters", () => {
    const od = parseOdometer(INCHES.replace("\x03", '   LAST CLEANED:        120 "\r\n   CURRENT PRINTHEAD LIFE:   8000 "\r\n\x03'));
    expect(od.resettable).toHaveLength(2);
    expect(od.other).toEqual([
      { name: "LAST CLEANED", inches: 120 },
      { name: "CURRENT PRINTHEAD LIFE", inches: 8000 },
    ]);
  });

  test("missing, doubled or non-numeric totals are malformed, quoting the text escaped", () => {
    const bad = (text: string, says: RegExp) => {
      try {
        parseOdometer(text);
        throw new Error("parsed");
      } catch (e) {
        expect(e).toBeInstanceOf(ZebraError);
        expect((e as ZebraError).code).toBe("malformed");
        expect((e as Error).message).toMatch(says);
        expect((e as Error).message).not.toMatch(/[\x00-\x08\x1b]/);
      }
    };
    bad("", /no TOTAL NONRESETTABLE/);
    bad("\x02\r\nERROR\x1b[2J\r\n\x03", /no TOTAL NONRESETTABLE line: "<STX>\\r\\nERROR\\x1b\[2J/);
    bad('TOTAL NONRESETTABLE: lots "\r\n', /not a length/);
    bad(`TOTAL NONRESETTABLE: ${"9".repeat(40)} "\r\n`, /not a length/);
    bad('TOTAL NONRESETTABLE: 1 "\r\nTOTAL NONRESETTABLE: 2 "\r\n', /two TOTAL/);
  });

  test("hostile labels are cleaned", () => {
    const od = parseOdometer(`TOTAL NONRESETTABLE: 5 "\r\nUSER RESETTABLE\x1b[31m\u202e CNTR1: 7 "\r\n`);
    expect(od.resettable).toEqual([{ name: "USER RESETTABLE[31m CNTR1", inches: 7 }]);
  });
});

describe("odometerCounters", () => {
  test("the lifetime meter is LENGTH, resettable ones OTHER, in the printer's units", () => {
    const counters = odometerCounters(parseOdometer(INCHES));
    expect(counters.map((c) => [c.kind, c.name, c.value, c.unit, c.oid])).toEqual([
      [CounterKind.LENGTH, "TOTAL NONRESETTABLE", 8560n, CounterUnit.INCHES, ODOMETER_SOURCE],
      [CounterKind.OTHER, "USER RESETTABLE CNTR1", 9n, CounterUnit.INCHES, ODOMETER_SOURCE],
      [CounterKind.OTHER, "USER RESETTABLE CNTR2", 8560n, CounterUnit.INCHES, ODOMETER_SOURCE],
    ]);
    const cm = odometerCounters(parseOdometer(CM));
    expect(cm[0].unit).toBe(CounterUnit.CENTIMETERS);
    expect(cm[0].value).toBe(21744n);
  });
});

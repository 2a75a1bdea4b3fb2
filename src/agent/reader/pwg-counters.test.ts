import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startFleet } from "../../../test/sim/fleet.ts";
import { createNetSnmpSession } from "../snmp/net-snmp-session.ts";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { Tag } from "../../common/ber.ts";
import type { VarBind } from "../snmp/session.ts";
import { PWG_COUNTER_ROOT, pwgCountersFromWalk } from "./pwg-counters.ts";
import { secret } from "../../common/secret.ts";

// Table layout from PWG-IMAGING-COUNTER-MIB (PWG 5106.3-2008): icKeyEntry .1.2.1.1,
// icImageEntry .1.7.1.1, icImpressionEntry .1.8.1.1, icTwoSidedEntry .1.9.1.1,
// icSheetEntry .1.10.1.1; counter rows are indexed by key.workType.persistence.
const KEY = `${PWG_COUNTER_ROOT}.1.2.1.1`;
const IMAGE = `${PWG_COUNTER_ROOT}.1.7.1.1`;
const IMPRESSION = `${PWG_COUNTER_ROOT}.1.8.1.1`;
const TWO_SIDED = `${PWG_COUNTER_ROOT}.1.9.1.1`;
const SHEET = `${PWG_COUNTER_ROOT}.1.10.1.1`;

const int = (oid: string, value: number): VarBind => ({ oid, tag: Tag.Integer, value });
const str = (oid: string, value: string): VarBind => ({ oid, tag: Tag.OctetString, value: new TextEncoder().encode(value) });

/** icKeyTable rows: key -> [serviceType, serviceIndex, subunitType, subunitIndex]. */
function keys(rows: Record<number, [number, number, number, number]>): VarBind[] {
  return Object.entries(rows).flatMap(([k, [st, si, ut, ui]]) => [
    int(`${KEY}.2.${k}`, st),
    int(`${KEY}.3.${k}`, si),
    int(`${KEY}.4.${k}`, ut),
    int(`${KEY}.5.${k}`, ui),
  ]);
}

const summary = (r: ReturnType<typeof pwgCountersFromWalk>) =>
  r.counters.map((c) => ({ kind: CounterKind[c.kind], value: Number(c.value), unit: CounterUnit[c.unit], oid: c.oid, name: c.name }));

describe("pwgCountersFromWalk", () => {
  test("maps lifetime work totals of each service to our kinds, with the exact OID", () => {
    const walk = [
      // 1 systemTotals, 2 print, 3 copy, 4 scan, 5 faxIn; 6 is the marker subunit (type 10, index 1).
      ...keys({ 1: [3, 1, 0, 0], 2: [11, 1, 0, 0], 3: [4, 1, 0, 0], 4: [12, 1, 0, 0], 5: [7, 1, 0, 0], 6: [3, 1, 10, 1] }),
      int(`${IMAGE}.4.4.3.3`, 812),
      int(`${IMPRESSION}.4.1.3.3`, 15000),
      int(`${IMPRESSION}.4.2.3.3`, 9000),
      int(`${IMPRESSION}.4.3.3.3`, 5800),
      int(`${IMPRESSION}.4.5.3.3`, 200),
      int(`${IMPRESSION}.4.6.3.3`, 99999),
      int(`${IMPRESSION}.5.2.3.3`, 6000),
      int(`${IMPRESSION}.7.2.3.3`, 3000),
      int(`${TWO_SIDED}.4.1.3.3`, 4200),
      int(`${SHEET}.4.1.3.3`, 12900),
    ];
    expect(summary(pwgCountersFromWalk(walk))).toEqual([
      { kind: "TOTAL", value: 15000, unit: "IMPRESSIONS", oid: `${IMPRESSION}.4.1.3.3`, name: "pwg system impressions total" },
      { kind: "PRINT", value: 9000, unit: "IMPRESSIONS", oid: `${IMPRESSION}.4.2.3.3`, name: "pwg print impressions total" },
      { kind: "COPY", value: 5800, unit: "IMPRESSIONS", oid: `${IMPRESSION}.4.3.3.3`, name: "pwg copy impressions total" },
      { kind: "FAX", value: 200, unit: "IMPRESSIONS", oid: `${IMPRESSION}.4.5.3.3`, name: "pwg fax-in impressions total" },
      { kind: "PRINT_MONO", value: 6000, unit: "IMPRESSIONS", oid: `${IMPRESSION}.5.2.3.3`, name: "pwg print impressions monochrome" },
      { kind: "PRINT_COLOR", value: 3000, unit: "IMPRESSIONS", oid: `${IMPRESSION}.7.2.3.3`, name: "pwg print impressions full color" },
      { kind: "DUPLEX", value: 4200, unit: "IMPRESSIONS", oid: `${TWO_SIDED}.4.1.3.3`, name: "pwg system two-sided impressions total" },
      { kind: "SHEETS", value: 12900, unit: "SHEETS", oid: `${SHEET}.4.1.3.3`, name: "pwg system sheets total" },
      { kind: "SCAN", value: 812, unit: "SCANS", oid: `${IMAGE}.4.4.3.3`, name: "pwg scan images total" },
    ]);
  });

  test("leaves out power-on and reset rows and non-total work types", () => {
    const walk = [
      ...keys({ 1: [11, 1, 0, 0] }),
      int(`${IMPRESSION}.4.1.3.3`, 100),
      int(`${IMPRESSION}.4.1.3.4`, 7), // powerOn
      int(`${IMPRESSION}.4.1.3.5`, 8), // reset
      int(`${IMPRESSION}.4.1.6.3`, 9), // waste
      int(`${IMPRESSION}.4.1.7.3`, 10), // maintenance
    ];
    const r = pwgCountersFromWalk(walk);
    expect(summary(r).map((c) => c.value)).toEqual([100]);
    expect(r.problems).toEqual([]);
  });

  test("keeps unmapped meters as OTHER under their PWG name and numbers a second service", () => {
    const walk = [...keys({ 1: [11, 2, 0, 0], 2: [13, 1, 0, 0] }), int(`${IMPRESSION}.6.1.3.3`, 40), int(`${IMPRESSION}.4.2.3.3`, 41)];
    expect(summary(pwgCountersFromWalk(walk))).toEqual([
      { kind: "OTHER", value: 41, unit: "IMPRESSIONS", oid: `${IMPRESSION}.4.2.3.3`, name: "pwg transform impressions total" },
      { kind: "OTHER", value: 40, unit: "IMPRESSIONS", oid: `${IMPRESSION}.6.1.3.3`, name: "pwg print 2 impressions blank" },
    ]);
  });

  test("a value that is not a meter, or a key without icKeyTable row, is a problem and no counter", () => {
    const walk = [
      ...keys({ 1: [11, 1, 0, 0] }),
      str(`${IMPRESSION}.4.1.3.3`, "n/a"),
      int(`${IMPRESSION}.5.1.3.3`, -1),
      int(`${IMPRESSION}.4.9.3.3`, 500),
      int(`${IMPRESSION}.5.9.3.3`, 400),
    ];
    const r = pwgCountersFromWalk(walk);
    expect(r.counters).toEqual([]);
    expect(r.problems.map((p) => [p.oid, p.message])).toEqual([
      [`${IMPRESSION}.4.1.3.3`, 'meter "pwg print impressions total" is not a number: "n/a"'],
      [`${KEY}.2.9`, "PWG counter key 9 has no icKeyTable row; its meters are not used"],
      [`${IMPRESSION}.5.1.3.3`, 'meter "pwg print impressions monochrome" is not a number: "-1"'],
    ]);
  });

  test("a device without the MIB gives nothing and no problem", () => {
    expect(pwgCountersFromWalk([])).toEqual({ counters: [], problems: [] });
  });
});

describe("pwgCountersFromWalk over SNMP", () => {
  test("a walk of the pwg-mfp recording served on loopback gives its service meters", async () => {
    const file = join(import.meta.dir, "../../../test/fixtures/profiles/pwg-mfp.snmprec");
    const fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: [file] } });
    const session = createNetSnmpSession(
      { host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 1000, retries: 1 },
      { name: "test", version: "v2c", community: secret("pwg-mfp") },
    );
    try {
      const walk = await session.walk(PWG_COUNTER_ROOT);
      expect(walk.stopped).toBeUndefined();
      const r = pwgCountersFromWalk(walk.varbinds);
      expect(r.problems).toEqual([]);
      const byKind = Object.fromEntries(summary(r).map((c) => [c.kind, c.value]));
      // The recording is consistent: the system total is the sum of its services.
      expect(byKind.TOTAL).toBe(byKind.PRINT + byKind.COPY + byKind.FAX);
      expect(byKind).toEqual({
        TOTAL: 48222, PRINT: 31000, COPY: 16860, FAX: 362,
        MONO: 30110, PRINT_MONO: 19400, COPY_MONO: 10360, FAX_MONO: 350,
        COLOR: 18112, PRINT_COLOR: 11600, COPY_COLOR: 6500, FAX_COLOR: 12,
        DUPLEX: 12040, SHEETS: 36190, SCAN_COPY: 14200, SCAN: 9120, FAX_SEND: 420,
      });
    } finally {
      session.close();
      await fleet.stop();
    }
  });
});

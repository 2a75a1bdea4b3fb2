/**
 * Page meters from the PWG Imaging System Counter MIB (PWG 5106.1, its v2
 * PWG 5106.3; module PWG-IMAGING-COUNTER-MIB under enterprises.pwg(2699)).
 * Vendors that implement it (Sharp, Xerox, Ricoh, Canon...) publish
 * per-service meters in one standard layout: icKeyTable says which service
 * (print, copy, scan, fax...) a key stands for, and the impression, two-sided,
 * sheet and image tables hold that key's counters, indexed by
 * key.workType.persistence. Only lifetime work totals are billing meters;
 * power-on and resettable rows, and datastream/waste/maintenance work, are not.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterUnit, type ReadProblem, ReadProblemSchema } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage } from "./reading-messages.ts";
import type { VarBind } from "../snmp/session.ts";
import { type Table, meterOf, numberOf, textOf, toTables } from "./values.ts";

/** imagingCounterMIB: walk this subtree and hand the varbinds to {@link pwgCountersFromWalk}. */
export const PWG_COUNTER_ROOT = "1.3.6.1.4.1.2699.1.3";

const OBJECTS = `${PWG_COUNTER_ROOT}.1`;
/** icKeyEntry: index icKeyIndex; 2 icKeyServiceType, 3 icKeyServiceIndex, 4 icKeySubunitType, 5 icKeySubunitIndex. */
const KEY_ENTRY = `${OBJECTS}.2.1.1`;

/** IcWorkTypeTC workTotals(3) and IcPersistenceTC lifetime(3): the rows a dealer bills from. */
const WORK_TOTALS = 3;
const LIFETIME = 3;

type Column = "total" | "monochrome" | "blank" | "full color" | "highlight color";

/** The counter tables, each indexed by key.workType.persistence, with their value columns. */
const TABLES: { entry: string; label: string; unit: CounterUnit; columns: Record<number, Column> }[] = [
  { entry: `${OBJECTS}.8.1.1`, label: "impressions", unit: CounterUnit.IMPRESSIONS, columns: { 4: "total", 5: "monochrome", 6: "blank", 7: "full color", 8: "highlight color" } },
  { entry: `${OBJECTS}.9.1.1`, label: "two-sided impressions", unit: CounterUnit.IMPRESSIONS, columns: { 4: "total", 5: "monochrome", 6: "blank", 7: "full color", 8: "highlight color" } },
  { entry: `${OBJECTS}.10.1.1`, label: "sheets", unit: CounterUnit.SHEETS, columns: { 4: "total", 5: "monochrome", 6: "blank", 7: "full color", 8: "highlight color" } },
  // Images are what a scanner made (scan, copy and fax-out input), hence scans.
  { entry: `${OBJECTS}.7.1.1`, label: "images", unit: CounterUnit.SCANS, columns: { 4: "total", 5: "monochrome", 6: "full color" } },
];

/** IcServiceTypeTC values to the label used in counter names. */
export const PWG_SERVICE_NAMES: Record<number, string> = {
  1: "other",
  2: "unknown",
  3: "system",
  4: "copy",
  5: "email-in",
  6: "email-out",
  7: "fax-in",
  8: "fax-out",
  9: "network-fax-in",
  10: "network-fax-out",
  11: "print",
  12: "scan",
  13: "transform",
};

/**
 * Which of our kinds a service's meter is, by "<table label> <column>".
 * Anything not listed is kept as COUNTER_KIND_OTHER under its PWG name.
 */
export const PWG_COUNTER_KINDS: Record<number, Record<string, CounterKind>> = {
  3: {
    "impressions total": CounterKind.TOTAL,
    "impressions monochrome": CounterKind.MONO,
    "impressions full color": CounterKind.COLOR,
    "impressions highlight color": CounterKind.TWO_COLOR,
    "two-sided impressions total": CounterKind.DUPLEX,
    "sheets total": CounterKind.SHEETS,
  },
  11: {
    "impressions total": CounterKind.PRINT,
    "impressions monochrome": CounterKind.PRINT_MONO,
    "impressions full color": CounterKind.PRINT_COLOR,
  },
  4: {
    "impressions total": CounterKind.COPY,
    "impressions monochrome": CounterKind.COPY_MONO,
    "impressions full color": CounterKind.COPY_COLOR,
    "images total": CounterKind.SCAN_COPY,
  },
  // Received faxes are printed: their impressions are the fax meter.
  7: {
    "impressions total": CounterKind.FAX,
    "impressions monochrome": CounterKind.FAX_MONO,
    "impressions full color": CounterKind.FAX_COLOR,
  },
  8: { "images total": CounterKind.FAX_SEND },
  12: { "images total": CounterKind.SCAN },
  6: { "images total": CounterKind.SCAN_NETWORK },
};

interface ServiceKey {
  type: number;
  index: number;
}

/** Service-level keys of icKeyTable; keys of a subunit (a marker, a scanner ADF) are left out. */
function serviceKeys(t: Table): Map<string, ServiceKey> {
  const keys = new Map<string, ServiceKey>();
  for (const [idx, vb] of t.get(2) ?? []) {
    const type = numberOf(vb);
    if (type === undefined) continue;
    const subunit = numberOf(t.get(5)?.get(idx)) ?? 0;
    if (subunit > 0) continue;
    keys.set(idx, { type, index: numberOf(t.get(3)?.get(idx)) ?? 1 });
  }
  return keys;
}

/**
 * Counters from a walk of {@link PWG_COUNTER_ROOT}: lifetime work totals of
 * every service key, each with the exact OID it came from and a name such as
 * "pwg print impressions monochrome". A value that is not a meter, or a key
 * that icKeyTable does not describe, is a problem, never a 0.
 */
export function pwgCountersFromWalk(varbinds: readonly VarBind[]): { counters: Counter[]; problems: ReadProblem[] } {
  const counters: Counter[] = [];
  const problems: ReadProblem[] = [];
  const problem = (oid: string, message: string) => problems.push(create(ReadProblemSchema, { section: "counters:pwg", oid, message }));
  const [keyTable, ...tables] = toTables([KEY_ENTRY, ...TABLES.map((t) => t.entry)], varbinds);
  const keys = serviceKeys(keyTable!);
  const subunitKeys = new Set(keyTable!.get(2)?.keys() ?? []);
  const undescribed = new Set<string>();

  for (const [i, table] of TABLES.entries()) {
    const t = tables[i]!;
    for (const [col, column] of Object.entries(table.columns)) {
      for (const [idx, vb] of t.get(Number(col)) ?? []) {
        const [key, workType, persistence] = idx.split(".");
        if (Number(workType) !== WORK_TOTALS || Number(persistence) !== LIFETIME) continue;
        const service = keys.get(key);
        if (!service) {
          // A subunit's key is known and skipped on purpose; an unknown key is worth saying once.
          if (!subunitKeys.has(key) && !undescribed.has(key)) {
            undescribed.add(key);
            problem(`${KEY_ENTRY}.2.${key}`, `PWG counter key ${key} has no icKeyTable row; its meters are not used`);
          }
          continue;
        }
        const serviceName = PWG_SERVICE_NAMES[service.type] ?? `service-${service.type}`;
        const label = `${table.label} ${column}`;
        const name = `pwg ${serviceName}${service.index > 1 ? ` ${service.index}` : ""} ${label}`;
        const value = meterOf(vb);
        if (value === undefined) {
          problem(vb.oid, `meter "${name}" is not a number: "${textOf(vb)}"`);
          continue;
        }
        const kind = PWG_COUNTER_KINDS[service.type]?.[label] ?? CounterKind.OTHER;
        counters.push(counterMessage({ kind, value, unit: table.unit, oid: vb.oid, name }));
      }
    }
  }
  return { counters, problems };
}

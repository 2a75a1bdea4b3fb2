/**
 * Reading typed values out of varbinds without trusting the device: a
 * wrong type, an exception or garbage gives `undefined`, never a fake 0.
 */
import { Tag } from "../../common/ber.ts";
import type { VarBind } from "../snmp/session.ts";
import { decodeText } from "../../common/text.ts";

// Built once (a literal in a function is a new object at every call).
const DECIMAL = /^-?\d{1,15}$/;
const METER = /^(\d{1,19})$/;
const LEADING_METER = /^(\d{1,19})\b/;

/** Integer-like value (Integer, Counter32, Gauge32, TimeTicks), or a decimal string. */
export function numberOf(vb: VarBind | undefined): number | undefined {
  if (!vb) return undefined;
  switch (vb.tag) {
    case Tag.Integer:
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return vb.value;
    case Tag.Counter64:
      return vb.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(vb.value) : undefined;
    case Tag.OctetString: {
      // Some vendors publish meters as strings ("123456").
      const s = decodeText(vb.value).trim();
      return DECIMAL.test(s) ? Number(s) : undefined;
    }
    default:
      return undefined;
  }
}

/** Unsigned 64-bit meter value; strings with a leading number ("1920 INCHES") give that number. */
export function meterOf(vb: VarBind | undefined, leadingNumber = false): bigint | undefined {
  if (!vb) return undefined;
  if (vb.tag === Tag.Counter64) return vb.value;
  if (vb.tag === Tag.OctetString) {
    const s = decodeText(vb.value).trim();
    const m = (leadingNumber ? LEADING_METER : METER).exec(s);
    return m ? BigInt(m[1]) : undefined;
  }
  const n = numberOf(vb);
  return n !== undefined && n >= 0 ? BigInt(n) : undefined;
}

/** Printable text of a string-ish value; "" for exceptions. */
export function textOf(vb: VarBind | undefined): string {
  if (!vb) return "";
  if (vb.tag === Tag.OctetString || vb.tag === Tag.Opaque) return decodeText(vb.value);
  if (vb.tag === Tag.Oid) return vb.value;
  const n = numberOf(vb);
  return n === undefined ? "" : String(n);
}

export function oidOf(vb: VarBind | undefined): string {
  return vb?.tag === Tag.Oid ? vb.value : "";
}

export function bytesOf(vb: VarBind | undefined): Uint8Array | undefined {
  return vb && (vb.tag === Tag.OctetString || vb.tag === Tag.Opaque) ? vb.value : undefined;
}

/** A walked table: column number -> row index suffix ("1.2") -> varbind. */
export type Table = Map<number, Map<string, VarBind>>;

/** Groups a walk of `entry` (the xxxEntry OID) by column and row index. */
export function toTable(entry: string, varbinds: readonly VarBind[]): Table {
  return toTables([entry], varbinds)[0]!;
}

/**
 * Groups one walk into several tables in one pass (tables[i] is of
 * entries[i]): a walk of a whole subtree (the PWG counters) holds many
 * tables, and grouping it once per table went over every varbind each time.
 */
export function toTables(entries: readonly string[], varbinds: readonly VarBind[]): Table[] {
  const tables: Table[] = entries.map(() => new Map());
  const prefixes = entries.map((e) => `${e}.`);
  for (const vb of varbinds) {
    const oid = vb.oid;
    for (let k = 0; k < prefixes.length; k++) {
      const prefix = prefixes[k]!;
      if (!oid.startsWith(prefix)) continue;
      const from = prefix.length;
      const dot = oid.indexOf(".", from);
      if (dot <= from) continue;
      const col = Number(oid.slice(from, dot));
      const index = oid.slice(dot + 1);
      const t = tables[k]!;
      let c = t.get(col);
      if (!c) t.set(col, (c = new Map()));
      // A duplicated OID keeps its first value, as the device served it first.
      if (!c.has(index)) c.set(index, vb);
    }
  }
  return tables;
}

/** Row indexes of a table in numeric order, taken from the given columns. */
export function rowIndexes(t: Table, ...cols: number[]): string[] {
  const set = new Set<string>();
  for (const c of cols) for (const k of t.get(c)?.keys() ?? []) set.add(k);
  return [...set].sort((a, b) => {
    const x = a.split(".").map(Number);
    const y = b.split(".").map(Number);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
}

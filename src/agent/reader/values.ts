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

/** What SNMP's integer types can carry (RFC 2578 7.1.1, 7.1.6-8). */
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/**
 * Why a decoded number cannot be a value of its SNMP type, or undefined.
 * The BER decoder keeps INTEGERs of up to 6 octets (so one bad value does not
 * cost the rest of its response); here such a value stops being a number, so
 * no reader can take an INTEGER of 2^46 for a level or a meter.
 */
export function outOfTypeRange(vb: VarBind): string | undefined {
  switch (vb.tag) {
    case Tag.Integer:
      return vb.value < INT32_MIN || vb.value > INT32_MAX ? `INTEGER ${vb.value} is outside Integer32` : undefined;
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return vb.value < 0 || vb.value > UINT32_MAX ? `unsigned value ${vb.value} is outside 0..${UINT32_MAX}` : undefined;
    default:
      return undefined;
  }
}

/** Integer-like value (Integer, Counter32, Gauge32, TimeTicks) within its type's range, or a decimal string. */
export function numberOf(vb: VarBind | undefined): number | undefined {
  if (!vb) return undefined;
  switch (vb.tag) {
    case Tag.Integer:
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return outOfTypeRange(vb) ? undefined : vb.value;
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
  // An out-of-range number is still shown as it came, so a problem can quote it.
  if (vb.tag === Tag.Integer || vb.tag === Tag.Counter32 || vb.tag === Tag.Gauge32 || vb.tag === Tag.TimeTicks) return String(vb.value);
  const n = numberOf(vb);
  return n === undefined ? "" : String(n);
}

/** Why a present value gives no number, for a ReadProblem: out of its type's range, or not a number at all. */
export function whyNotANumber(vb: VarBind): string {
  return outOfTypeRange(vb) ?? `"${textOf(vb)}" is not a number`;
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

/**
 * Loads `.snmprec` recordings (the snmpsim format, `OID|TYPE|VALUE` per line)
 * into a compact sorted index for the simulator.
 *
 * Each entry keeps its OID as the BER content octets and its whole varbind
 * pre-encoded, so answering a GET or GETNEXT is a binary search plus a copy.
 * Requests are compared in their encoded form too (see compareOidContent),
 * so they never need decoding into numbers.
 *
 * Two opt-in extensions let a recording misbehave like a buggy agent (both
 * are ours, not snmpsim's; README.md in this folder has examples): a tag
 * ending in `d` (`65d|7`) serves that line again right after the first line
 * with the same OID, so a GETBULK walk sees the OID twice in a row; a tag
 * ending in `r` (`65r|4100`) serves raw bytes as the value (snmprec-value.ts).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { BerReader, BerWriter, Tag, parseOid } from "../../src/common/ber.ts";
import { EntryKind, evaluateSnmprecValue } from "./snmprec-value.ts";
import { DcaError } from "../../src/common/errors.ts";

export { EntryKind } from "./snmprec-value.ts";

/** A line that loaded but whose value could not be evaluated. */
export interface InvalidEntry {
  line: number;
  oid: string;
  reason: string;
}

/** A parsed recording; all arrays are parallel and sorted by OID. */
export interface Recording {
  /** File stem, e.g. `jetdirect_context@Jetdirect`. */
  readonly name: string;
  /** Where it came from, used in messages. */
  readonly source: string;
  readonly size: number;
  /** Dotted OIDs, without a leading dot. */
  readonly oids: readonly string[];
  /** OID content octets (no tag or length). */
  readonly keys: readonly Uint8Array[];
  /** Pre-encoded varbind SEQUENCE; empty for invalid entries. */
  readonly varbinds: readonly Uint8Array[];
  /** One of {@link EntryKind} per entry. */
  readonly kinds: Uint8Array;
  /** 1-based source line of each entry. */
  readonly lines: Uint32Array;
  readonly invalid: readonly InvalidEntry[];
  /** Lines dropped because their OID appeared earlier (the first one wins, as in snmpsim). */
  readonly duplicates: readonly number[];
  /** Lines tagged `d` that are served a second time after the first line with their OID. */
  readonly repeats: readonly number[];
}

const EMPTY = new Uint8Array(0);
// Python's str.strip(), which snmpsim applies to every line (latin-1 decoded).
const STRIP = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g;

/** Encodes a dotted OID's content octets (BER without tag and length). */
export function oidKey(arcs: readonly number[]): Uint8Array {
  const w = new BerWriter(64);
  w.oid(arcs);
  const bytes = w.bytes();
  const t = new BerReader(bytes).tlv();
  return bytes.slice(t.start, t.end);
}

/**
 * The content octets of a dotted OID with an arc beyond 32 bits (`1.3.6.1.2.1.43.10.2.1.4.1.1180591620717411303426`,
 * 2^70 + 2), which parseOid refuses: served as written, as snmpsim (Python integers) would,
 * so a recording can hold a name no SNMP manager may accept. Undefined when the text is not a
 * plain dotted OID or has no such arc.
 */
function hugeArcKey(text: string): Uint8Array | undefined {
  const parts = text.replace(/^\./, "").split(".");
  if (parts.length < 2 || !parts.every((p) => /^\d{1,40}$/.test(p))) return undefined;
  const arcs = parts.map(BigInt);
  if (arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! >= 40n) || !arcs.some((a) => a > 0xffffffffn)) return undefined;
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]) {
    const septets: number[] = [];
    let v = arc;
    do {
      septets.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < septets.length - 1; i++) septets[i]! |= 0x80;
    out.push(...septets);
  }
  return Uint8Array.from(out);
}

interface Row {
  key: Uint8Array;
  oid: string;
  line: number;
  kind: number;
  varbind: Uint8Array;
  /** Tagged `d`: kept beside an earlier line with the same OID instead of dropped. */
  repeat: boolean;
}

/** Parses recording text (latin-1 string or raw bytes). Throws a DcaError `malformed` naming `source:line`. */
export function parseSnmprec(data: string | Uint8Array, source = "<memory>"): Recording {
  const text = typeof data === "string" ? data : Buffer.from(data).toString("latin1");
  const rows: Row[] = [];
  const invalid: InvalidEntry[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(STRIP, "");
    if (line === "" || line.startsWith("#")) continue;
    const at = `${source}:${i + 1}`;
    const p1 = line.indexOf("|");
    const p2 = p1 < 0 ? -1 : line.indexOf("|", p1 + 1);
    if (p2 < 0) throw new DcaError("malformed", `${at}: expected OID|TYPE|VALUE, got "${line.slice(0, 80)}"`);
    const oidText = line.slice(0, p1);
    const tagged = line.slice(p1 + 1, p2);
    const repeat = tagged.length > 1 && tagged.endsWith("d");
    const type = repeat ? tagged.slice(0, -1) : tagged;
    if (oidText === "" || type === "") throw new DcaError("malformed", `${at}: empty OID or type`);
    let arcs: number[] | undefined;
    let key: Uint8Array | undefined;
    try {
      arcs = parseOid(oidText);
    } catch {
      key = hugeArcKey(oidText);
      if (!key) throw new DcaError("malformed", `${at}: bad OID "${oidText.slice(0, 80)}"`);
    }
    if (arcs && (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40))) {
      throw new DcaError("malformed", `${at}: OID "${oidText}" cannot be encoded`);
    }
    key ??= oidKey(arcs!);
    const oid = arcs ? arcs.join(".") : oidText.replace(/^\./, "");
    const value = evaluateSnmprecValue(type, line.slice(p2 + 1));
    if (value.kind === EntryKind.Invalid) {
      invalid.push({ line: i + 1, oid, reason: value.reason });
      rows.push({ key, oid, line: i + 1, kind: EntryKind.Invalid, varbind: EMPTY, repeat });
      continue;
    }
    const w = new BerWriter(128);
    value.write(w);
    const name = w.mark();
    w.raw(key);
    w.wrap(Tag.Oid, name);
    w.wrap(Tag.Sequence, 0);
    const varbind = w.bytes().slice();
    rows.push({ key, oid, line: i + 1, kind: value.kind, varbind, repeat });
  }
  return buildIndex(rows, invalid, source);
}

/**
 * Orders two minimally encoded OID contents as SNMP orders OIDs (arc by arc,
 * numerically) without decoding them. Plain bytewise order is wrong:
 * 16384 (81 80 00) would sort before 298 (82 2a). Up to the first differing
 * octet both share their arc boundaries; in the arc holding it, more octets
 * mean a larger number, and equal lengths compare bytewise.
 */
export function compareOidContent(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const x = a[aStart + i];
    const y = b[bStart + i];
    if (x !== y) {
      let ea = i;
      while (ea < la && a[aStart + ea] & 0x80) ea++;
      let eb = i;
      while (eb < lb && b[bStart + eb] & 0x80) eb++;
      // The arc that ends later (more octets) is larger; otherwise the differing octet decides.
      return ea !== eb ? ea - eb : x - y;
    }
  }
  // One is a prefix of the other, on an arc boundary: the shorter OID comes first.
  return la - lb;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return compareOidContent(a, 0, a.length, b, 0, b.length);
}

function buildIndex(rows: Row[], invalid: InvalidEntry[], source: string): Recording {
  // Array.prototype.sort is stable, so among equal OIDs the first line stays first.
  rows.sort((a, b) => compareKeys(a.key, b.key));
  const kept: Row[] = [];
  const duplicates: number[] = [];
  const repeats: number[] = [];
  for (const r of rows) {
    const same = kept.length > 0 && compareKeys(kept[kept.length - 1].key, r.key) === 0;
    if (!same || r.repeat) kept.push(r);
    if (same) (r.repeat ? repeats : duplicates).push(r.line);
  }
  const stem = basename(source).replace(/\.snmprec$/, "");
  return {
    name: stem,
    source,
    size: kept.length,
    oids: kept.map((r) => r.oid),
    keys: kept.map((r) => r.key),
    varbinds: kept.map((r) => r.varbind),
    kinds: Uint8Array.from(kept.map((r) => r.kind)),
    lines: Uint32Array.from(kept.map((r) => r.line)),
    invalid: invalid.filter((e) => !duplicates.includes(e.line)),
    duplicates,
    repeats,
  };
}

/** Reads and parses one `.snmprec` file. */
export function loadSnmprec(path: string): Recording {
  return parseSnmprec(readFileSync(path), path);
}

/**
 * Index of the first entry whose OID is >= the OID content `buf[start:end]`
 * (`rec.size` when there is none).
 */
export function lowerBound(rec: Recording, buf: Uint8Array, start: number, end: number): number {
  const keys = rec.keys;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid];
    if (compareOidContent(k, 0, k.length, buf, start, end) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when entry `i` has exactly the OID content `buf[start:end]`. */
export function keyEquals(rec: Recording, i: number, buf: Uint8Array, start: number, end: number): boolean {
  if (i >= rec.size) return false;
  const k = rec.keys[i];
  if (k.length !== end - start) return false;
  for (let j = 0; j < k.length; j++) if (k[j] !== buf[start + j]) return false;
  return true;
}

/** Index of the entry with exactly this OID, or -1. */
export function findExact(rec: Recording, buf: Uint8Array, start: number, end: number): number {
  const i = lowerBound(rec, buf, start, end);
  return keyEquals(rec, i, buf, start, end) ? i : -1;
}

/**
 * Index of the first entry strictly after this OID (`rec.size` when there
 * is none). Repeated entries (tag `d`) are stepped over too: a GETNEXT of a
 * repeated OID must move on, or a walk would never end. Only GETBULK, which
 * keeps its own cursor, serves the repeat.
 */
export function findNext(rec: Recording, buf: Uint8Array, start: number, end: number): number {
  let i = lowerBound(rec, buf, start, end);
  while (keyEquals(rec, i, buf, start, end)) i++;
  return i;
}

/** True when some entry lies strictly inside the subtree `buf[start:end]` (whole arcs). */
export function hasDescendant(rec: Recording, buf: Uint8Array, start: number, end: number): boolean {
  const i = findNext(rec, buf, start, end);
  if (i >= rec.size) return false;
  const k = rec.keys[i];
  if (k.length <= end - start) return false;
  for (let j = 0; j < end - start; j++) if (k[j] !== buf[start + j]) return false;
  return true;
}

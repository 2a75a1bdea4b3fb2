/**
 * Turns the TYPE|VALUE half of an `.snmprec` line into the BER value that
 * the simulator serves, following what snmpsim 0.4.5 (pysnmp) accepts,
 * plus one extension of ours that snmpsim rejects: the tag suffix `r`
 * (`65r|4100`), whose hex VALUE is served as the whole value TLV, tag and
 * length included, so a recording can hold the malformed encodings real
 * agents send (see README.md in this folder).
 */
import { BerWriter, Tag, parseOid } from "../../src/common/ber.ts";

/** How the simulator must treat an entry; v1 hides Counter64 and exceptions. */
export const EntryKind = {
  Value: 0,
  Counter64: 1,
  /** A recorded noSuchObject/noSuchInstance/endOfMibView (tags 128-130). */
  Exception: 2,
  /** The value could not be evaluated: GET answers noSuchInstance, GETNEXT skips it. */
  Invalid: 3,
} as const;

/** The outcome of evaluating one value: a kind and, unless invalid, a writer of its TLV. */
export type EvaluatedValue =
  | { kind: typeof EntryKind.Invalid; reason: string }
  | { kind: Exclude<(typeof EntryKind)[keyof typeof EntryKind], 3>; write: (w: BerWriter) => void };

const UINT32_MAX = 0xffffffff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function invalid(reason: string): EvaluatedValue {
  return { kind: EntryKind.Invalid, reason };
}

function hexBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** The file's bytes are carried through unchanged (snmpsim reads them as latin-1). */
function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "latin1"));
}

const ESCAPES: Record<string, number> = { "\\": 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** Python-literal escapes, as snmpsim's `evaluateRawString` reads tag suffix `e`. */
function unescapePython(text: string): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "\\") {
      out.push(text.charCodeAt(i) & 0xff);
      continue;
    }
    const e = text[++i];
    if (e === "x") {
      const h = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out.push(parseInt(h, 16));
      i += 2;
    } else if (e !== undefined && ESCAPES[e] !== undefined) {
      out.push(ESCAPES[e]);
    } else {
      return null;
    }
  }
  return Uint8Array.from(out);
}

function octetValue(value: string, encoding: string, tag: number): EvaluatedValue {
  const bytes = encoding === "x" ? hexBytes(value) : encoding === "e" ? unescapePython(value) : latin1Bytes(value);
  if (!bytes) return invalid(`bad ${encoding === "x" ? "hex" : "escaped"} string`);
  return { kind: EntryKind.Value, write: (w) => w.octets(bytes, tag) };
}

function integerValue(value: string, min: number, max: number, tag: number): EvaluatedValue {
  if (!/^[-+]?\d{1,20}$/.test(value)) return invalid(`not an integer: "${value}"`);
  const n = Number(value);
  if (n < min || n > max) return invalid(`${value} is out of range ${min}..${max}`);
  return { kind: EntryKind.Value, write: tag === Tag.Integer ? (w) => w.integer(n) : (w) => w.unsigned(n, tag) };
}

function ipValue(value: string, encoding: string): EvaluatedValue {
  let bytes: Uint8Array | null;
  if (encoding === "x") {
    bytes = hexBytes(value);
  } else {
    const parts = value.split(".");
    const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
    bytes = ok ? Uint8Array.from(parts.map(Number)) : null;
  }
  if (!bytes || bytes.length !== 4) return invalid(`not an IPv4 address: "${value}"`);
  return { kind: EntryKind.Value, write: (w) => w.octets(bytes, Tag.IpAddress) };
}

/**
 * `TAGr|HEX`: the bytes go out exactly as given, in place of the value TLV.
 * The varbind around them is still framed correctly, so only this value is
 * unreadable, as with a firmware bug. TAG is what the value should have
 * been; only Counter64 (70) matters, since v1 must not see it.
 */
function rawValue(tag: string, value: string): EvaluatedValue {
  if (!/^\d+$/.test(tag)) return invalid(`tag ${tag}r is not supported`);
  const bytes = hexBytes(value);
  if (!bytes || bytes.length === 0) return invalid(`raw value must be non-empty hex, got "${value.slice(0, 40)}"`);
  return { kind: tag === "70" ? EntryKind.Counter64 : EntryKind.Value, write: (w) => w.raw(bytes) };
}

/**
 * Evaluates a TYPE and VALUE. Never throws: a value snmpsim could not
 * evaluate either comes back as `Invalid` with the reason.
 */
export function evaluateSnmprecValue(type: string, value: string): EvaluatedValue {
  if (type.endsWith("r")) return rawValue(type.slice(0, -1), value);
  const suffix = type.endsWith("x") || type.endsWith("e") ? type.slice(-1) : "";
  const tag = suffix ? type.slice(0, -1) : type;
  switch (tag) {
    case "2":
      return suffix ? invalid(`tag ${type} is not supported`) : integerValue(value, INT32_MIN, INT32_MAX, Tag.Integer);
    case "4":
      return octetValue(value, suffix, Tag.OctetString);
    case "68":
      return octetValue(value, suffix, Tag.Opaque);
    case "5":
      return value === "" ? { kind: EntryKind.Value, write: (w) => w.nul() } : invalid("NULL with a value");
    case "6": {
      let arcs: number[];
      try {
        arcs = parseOid(value);
      } catch {
        return invalid(`not an OID: "${value}"`);
      }
      if (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40)) return invalid(`not an OID: "${value}"`);
      return { kind: EntryKind.Value, write: (w) => w.oid(arcs) };
    }
    case "64":
      return ipValue(value, suffix);
    case "65":
      return integerValue(value, 0, UINT32_MAX, Tag.Counter32);
    case "66":
      return integerValue(value, 0, UINT32_MAX, Tag.Gauge32);
    case "67":
      return integerValue(value, 0, UINT32_MAX, Tag.TimeTicks);
    case "70": {
      if (!/^\+?\d{1,20}$/.test(value)) return invalid(`not a Counter64: "${value}"`);
      const n = BigInt(value);
      if (n > 0xffffffffffffffffn) return invalid(`${value} is out of Counter64 range`);
      return { kind: EntryKind.Counter64, write: (w) => w.counter64(n) };
    }
    case "128":
    case "129":
    case "130": {
      const t = Number(tag);
      return { kind: EntryKind.Exception, write: (w) => w.nul(t) };
    }
    default:
      return invalid(`unknown type tag "${type}"`);
  }
}

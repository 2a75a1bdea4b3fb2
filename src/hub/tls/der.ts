/**
 * DER for X.509, composed front to back from nested TLVs: just what a
 * certificate needs. There is no X.509 library in the dependencies and a
 * certificate is only a few nested TLVs, so the hub builds its own rather
 * than shelling out to openssl. The TLV framing, OID encoding and reading
 * are the shared BER codec's (src/common/ber.ts); DER only adds its rules
 * (definite lengths, sorted SETs, minimal integers).
 */
import { BerReader, BerWriter } from "../../common/ber.ts";

/** One encoded TLV (tag, length, value), ready to nest. */
export type Der = Uint8Array;

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Concatenated encodings, as a plain Uint8Array. */
const concat = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** A TLV with any tag byte (DER has definite lengths only, long form from 128 bytes). */
export function tlv(tag: number, value: Uint8Array): Der {
  const w = new BerWriter(value.length + 8);
  w.octets(value, tag);
  return w.bytes().slice();
}

/** A SEQUENCE of already encoded elements. */
export function sequence(...items: Der[]): Der {
  return tlv(TAG.sequence, concat(items));
}

/** A SET; DER wants the elements sorted by their encoding. */
export function set(...items: Der[]): Der {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(TAG.set, concat(sorted));
}

/** A non-negative INTEGER from a number or from big-endian magnitude bytes. */
export function integer(value: number | Uint8Array): Der {
  let bytes: number[];
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`DER integer ${value} is not a non-negative safe integer`);
    bytes = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  } else {
    bytes = [...value];
  }
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1] < 0x80) bytes.shift();
  if (bytes.length === 0) bytes = [0];
  // A set top bit would read as negative: the magnitude gets a leading zero.
  if (bytes[0] >= 0x80) bytes.unshift(0);
  return tlv(TAG.integer, Uint8Array.from(bytes));
}

/** A BOOLEAN (DER: TRUE is 0xff). */
export function boolean(value: boolean): Der {
  return tlv(TAG.boolean, Uint8Array.of(value ? 0xff : 0));
}

/** A BIT STRING; `unusedBits` says how many low bits of the last byte are padding. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Der {
  return tlv(TAG.bitString, concat([Uint8Array.of(unusedBits), bytes]));
}

/** An OCTET STRING. */
export function octetString(bytes: Uint8Array): Der {
  return tlv(TAG.octetString, bytes);
}

/** NULL. */
export function nullValue(): Der {
  return tlv(TAG.null, new Uint8Array(0));
}

/** An OBJECT IDENTIFIER from dotted text ("1.2.840.10045.4.3.2"). */
export function oid(dotted: string): Der {
  if (!/^[0-2](\.\d+)+$/.test(dotted)) throw new Error(`"${dotted}" is not an OID`);
  const w = new BerWriter(64);
  w.oid(dotted);
  return w.bytes().slice();
}

/** A UTF8String. */
export function utf8String(text: string): Der {
  return tlv(TAG.utf8String, new TextEncoder().encode(text));
}

/** An IA5String (ASCII), as in DNS names of a subjectAltName. */
export function ia5String(text: string): Der {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new Error(`"${text}" is not ASCII`);
  return tlv(TAG.ia5String, new TextEncoder().encode(text));
}

/**
 * A certificate time: UTCTime up to 2049, GeneralizedTime from 2050, as
 * RFC 5280 4.1.2.5 requires. Seconds precision, always UTC ("Z").
 */
export function time(date: Date): Der {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const y = date.getUTCFullYear();
  const rest = `${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.utcTime, new TextEncoder().encode(`${p(y % 100)}${rest}`));
  return tlv(TAG.generalizedTime, new TextEncoder().encode(`${p(y, 4)}${rest}`));
}

/** A context-specific tag: [n] EXPLICIT wraps a whole TLV, [n] IMPLICIT replaces the tag of a primitive. */
export function context(n: number, inner: Der, mode: "explicit" | "implicit" = "explicit"): Der {
  if (mode === "explicit") return tlv(0xa0 | n, inner);
  const { start, end } = readTlv(inner, 0);
  return tlv(0x80 | n, inner.subarray(start, end));
}

/** Where a TLV sits: its tag, where the element starts, where its value starts and where both end. */
export interface TlvPosition {
  tag: number;
  offset: number;
  start: number;
  end: number;
}

/** Reads the TLV at `offset` (definite lengths only, which is all DER has). */
export function readTlv(bytes: Uint8Array, offset: number): TlvPosition {
  try {
    const t = new BerReader(bytes, offset).tlv();
    return { tag: t.tag, offset, start: t.start, end: t.end };
  } catch (e) {
    throw new Error(`DER: ${(e as Error).message}`);
  }
}

/** The elements inside a constructed TLV (a SEQUENCE or SET). */
export function children(bytes: Uint8Array, parent: TlvPosition): TlvPosition[] {
  const out: TlvPosition[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readTlv(bytes, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** The complete encoding (tag and length included) of an element found by readTlv or children. */
export function element(bytes: Uint8Array, pos: TlvPosition): Der {
  return bytes.subarray(pos.offset, pos.end);
}

/**
 * A small, strict BER codec for the subset of ASN.1 that SNMP uses.
 *
 * Used where net-snmp's one-session-per-target model is too heavy: the
 * single-socket discovery prober and the fleet simulator. Decoding never
 * trusts a length: every malformed packet becomes a DcaError `malformed`.
 */
import { DcaError } from "./errors.ts";

/** Universal and SNMP application tags. */
export const Tag = {
  Integer: 0x02,
  OctetString: 0x04,
  Null: 0x05,
  Oid: 0x06,
  Sequence: 0x30,
  IpAddress: 0x40,
  Counter32: 0x41,
  Gauge32: 0x42,
  TimeTicks: 0x43,
  Opaque: 0x44,
  Counter64: 0x46,
  NoSuchObject: 0x80,
  NoSuchInstance: 0x81,
  EndOfMibView: 0x82,
} as const;

/**
 * OID TLVs already encoded, by dotted string. Requests name the same OIDs
 * over and over (a walk's cursors are the rows of the same tables on every
 * printer of a fleet, the probes ask for the same few), and parsing and
 * encoding each one again was a tenth of a 250-printer scan's main thread.
 * Bounded: emptied when full.
 */
const encodedOids = new Map<string, Uint8Array>();
const ENCODED_OIDS_MAX = 2048;

/**
 * Writes BER back to front into one buffer, so that every length is known
 * when its header is written and nothing is copied twice.
 */
export class BerWriter {
  private buf: Uint8Array;
  private pos: number;

  constructor(initialSize = 1500) {
    this.buf = new Uint8Array(initialSize);
    this.pos = initialSize;
  }

  /** Bytes written so far (the end of the buffer). */
  get length(): number {
    return this.buf.length - this.pos;
  }

  /** Marks the current end, to wrap everything written after it in a constructed TLV. */
  mark(): number {
    return this.length;
  }

  private ensure(n: number): void {
    if (this.pos >= n) return;
    const used = this.buf.length - this.pos;
    const size = Math.max(this.buf.length * 2, used + n + 64);
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.pos), size - used);
    this.buf = next;
    this.pos = size - used;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[--this.pos] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.pos -= bytes.length;
    this.buf.set(bytes, this.pos);
  }

  private header(tag: number, len: number): void {
    if (len < 0x80) {
      this.byte(len);
    } else {
      let n = 0;
      let l = len;
      while (l > 0) {
        this.byte(l & 0xff);
        l = Math.floor(l / 256);
        n++;
      }
      this.byte(0x80 | n);
    }
    this.byte(tag);
  }

  /** Closes a constructed TLV opened by mark(). */
  wrap(tag: number, mark: number): void {
    this.header(tag, this.length - mark);
  }

  integer(value: number, tag: number = Tag.Integer): void {
    const start = this.length;
    if (!Number.isInteger(value)) throw new DcaError("malformed", `not an integer: ${value}`);
    let v = value;
    // Two's complement, minimal length.
    do {
      const b = ((v % 256) + 256) % 256;
      this.byte(b);
      v = Math.floor(v / 256);
      // stop when the remaining value is pure sign extension of the byte just written
      if ((v === 0 && (b & 0x80) === 0) || (v === -1 && (b & 0x80) !== 0)) break;
    } while (true);
    this.header(tag, this.length - start);
  }

  /** Unsigned 32-bit application integers (Counter32, Gauge32, TimeTicks). */
  unsigned(value: number, tag: number): void {
    this.integer(value >>> 0 === value ? value : value >>> 0, tag);
  }

  counter64(value: bigint): void {
    const start = this.length;
    let v = BigInt.asUintN(64, value);
    do {
      this.byte(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if ((this.buf[this.pos] & 0x80) !== 0) this.byte(0);
    this.header(Tag.Counter64, this.length - start);
  }

  octets(bytes: Uint8Array, tag: number = Tag.OctetString): void {
    this.raw(bytes);
    this.header(tag, bytes.length);
  }

  nul(tag: number = Tag.Null): void {
    this.header(tag, 0);
  }

  oid(dotted: string | readonly number[]): void {
    const cached = typeof dotted === "string" ? encodedOids.get(dotted) : undefined;
    if (cached) return this.raw(cached);
    const arcs = typeof dotted === "string" ? parseOid(dotted) : dotted;
    if (arcs.length < 2) throw new DcaError("malformed", `OID needs two arcs: ${arcs.join(".")}`);
    const start = this.length;
    for (let i = arcs.length - 1; i >= 2; i--) this.base128(arcs[i]);
    this.base128(arcs[0] * 40 + arcs[1]);
    this.header(Tag.Oid, this.length - start);
    if (typeof dotted === "string") {
      if (encodedOids.size >= ENCODED_OIDS_MAX) encodedOids.clear();
      encodedOids.set(dotted, this.buf.slice(this.pos, this.pos + this.length - start));
    }
  }

  private base128(n: number): void {
    this.byte(n & 0x7f);
    let v = Math.floor(n / 128);
    while (v > 0) {
      this.byte(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
  }

  /** The encoded bytes (a copy-free view; valid until the writer is reused). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.pos);
  }
}

/** A decoded TLV: tag, and where its content sits in the source buffer. */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** Reads BER front to back, bounds-checked against the enclosing TLV. */
export class BerReader {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    readonly limit = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.limit;
  }

  peekTag(): number {
    if (this.pos >= this.limit) throw new DcaError("malformed", "unexpected end of data");
    return this.buf[this.pos];
  }

  tlv(): Tlv {
    const t = readTlv(this.buf, this.pos, this.limit, { tag: 0, start: 0, end: 0 });
    this.pos = t.end;
    return t;
  }

  expect(tag: number, what: string): Tlv {
    const t = this.tlv();
    if (t.tag !== tag) throw unexpectedTag(what, tag, t.tag);
    return t;
  }

  /** A reader over the content of a constructed TLV. */
  enter(t: Tlv): BerReader {
    return new BerReader(this.buf, t.start, t.end);
  }

  sequence(what: string): BerReader {
    return this.enter(this.expect(Tag.Sequence, what));
  }

  integer(what: string): number {
    return decodeInteger(this.buf, this.expect(Tag.Integer, what));
  }

  octets(what: string): Uint8Array {
    const t = this.expect(Tag.OctetString, what);
    return this.buf.subarray(t.start, t.end);
  }

  oid(what: string): string {
    return decodeOid(this.buf, this.expect(Tag.Oid, what));
  }
}

/**
 * Reads the TLV header at `pos` (bounded by `limit`) into `t` and returns it:
 * the varbind decoder reuses one `t` for a whole PDU instead of allocating a
 * reader and a TLV per field of every varbind.
 */
export function readTlv(buf: Uint8Array, pos: number, limit: number, t: Tlv): Tlv {
  if (pos + 2 > limit) throw new DcaError("malformed", "truncated TLV header");
  const tag = buf[pos++];
  if ((tag & 0x1f) === 0x1f) throw new DcaError("malformed", "multi-byte tags are not used by SNMP");
  let len = buf[pos++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DcaError("malformed", `unsupported length form (${n} octets)`);
    if (pos + n > limit) throw new DcaError("malformed", "truncated length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  }
  if (pos + len > limit) throw new DcaError("malformed", `length ${len} runs past the end of its container`);
  t.tag = tag;
  t.start = pos;
  t.end = pos + len;
  return t;
}

/** The error for a TLV whose tag is not the one expected. */
export function unexpectedTag(what: string, expected: number, got: number): DcaError {
  return new DcaError("malformed", `${what}: expected tag 0x${expected.toString(16)}, got 0x${got.toString(16)}`);
}

/** Signed integer content; SNMP integers fit in 32 bits but we accept up to 53. */
export function decodeInteger(buf: Uint8Array, t: Tlv): number {
  const len = t.end - t.start;
  if (len === 0) throw new DcaError("malformed", "empty integer");
  if (len > 6) throw new DcaError("malformed", `integer of ${len} octets is too long`);
  let v = buf[t.start] & 0x80 ? -1 : 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i];
  return v;
}

/**
 * Unsigned content (Counter32, Gauge32, TimeTicks), tolerant of a leading
 * zero. A value beyond 32 bits is refused rather than wrapped: a Counter32 of
 * 2^32 + 789 must not become a meter of 789.
 */
export function decodeUnsigned(buf: Uint8Array, t: Tlv): number {
  const len = t.end - t.start;
  if (len === 0) throw new DcaError("malformed", "empty unsigned integer");
  if (len > 5 && !(len === 6 && buf[t.start] === 0)) throw new DcaError("malformed", `unsigned of ${len} octets is too long`);
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i];
  if (v > 0xffffffff) throw new DcaError("malformed", `unsigned value ${v} exceeds 32 bits`);
  return v;
}

export function decodeCounter64(buf: Uint8Array, t: Tlv): bigint {
  const len = t.end - t.start;
  if (len === 0 || len > 9) throw new DcaError("malformed", `Counter64 of ${len} octets`);
  let v = 0n;
  for (let i = t.start; i < t.end; i++) v = (v << 8n) | BigInt(buf[i]);
  return BigInt.asUintN(64, v);
}

/**
 * The most sub-identifiers an OID may have (RFC 2578 section 3.5). A longer
 * one is refused where it is decoded: an agent that answers every request
 * with one more arc would otherwise grow every walk's OIDs without end.
 */
export const MAX_OID_ARCS = 128;

const tooLong = () => new DcaError("malformed", `OID longer than ${MAX_OID_ARCS} sub-identifiers`);

/** Arcs of the OID being decoded (reused: decodeOid runs once per varbind). */
const oidArcs: string[] = [];
/** The decimal strings of small arcs, which nearly every arc is. */
const ARC_TEXT: readonly string[] = Array.from({ length: 1024 }, (_, i) => String(i));

export function decodeOid(buf: Uint8Array, t: Tlv): string {
  if (t.end === t.start) throw new DcaError("malformed", "empty OID");
  // Joined once into one flat string: concatenating arcs makes a rope that
  // every later startsWith/slice of the OID has to flatten, and every varbind
  // of every walk passes here. (Joining shared arc strings measured faster
  // than writing character codes.)
  const arcs = oidArcs;
  let n = 0;
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i];
    v = v * 128 + (b & 0x7f);
    if (v > 0xffffffff) throw new DcaError("malformed", "OID arc exceeds 32 bits");
    if ((b & 0x80) === 0) {
      if (n >= MAX_OID_ARCS) throw tooLong();
      if (n === 0) {
        const x = v < 40 ? 0 : v < 80 ? 1 : 2;
        arcs[n++] = ARC_TEXT[x]!;
        v -= x * 40;
      }
      arcs[n++] = v < 1024 ? ARC_TEXT[v]! : String(v);
      v = 0;
    } else if (i === t.end - 1) {
      throw new DcaError("malformed", "OID ends inside an arc");
    }
  }
  arcs.length = n;
  return arcs.join(".");
}

/** "1.3.6.1" or ".1.3.6.1" to arcs; throws on anything else. */
export function parseOid(dotted: string): number[] {
  const bad = () => new DcaError("malformed", `bad OID "${dotted}"`);
  let i = dotted.charCodeAt(0) === 46 ? 1 : 0;
  if (i >= dotted.length) throw new DcaError("malformed", "empty OID");
  const arcs: number[] = [];
  for (;;) {
    let n = 0;
    let digits = 0;
    for (let c = dotted.charCodeAt(i); c >= 48 && c <= 57; c = dotted.charCodeAt(++i)) {
      n = n * 10 + (c - 48);
      if (++digits > 10) throw bad();
    }
    if (digits === 0) throw bad();
    if (n > 0xffffffff) throw new DcaError("malformed", `OID arc too large in "${dotted}"`);
    arcs.push(n);
    if (i === dotted.length) return arcs;
    if (dotted.charCodeAt(i) !== 46) throw bad();
    i++;
  }
}

/** Orders OIDs arc by arc (lexicographic on numbers, as SNMP does). */
export function compareOids(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * compareOids for dotted strings, without splitting them: the walks compare
 * every varbind they receive with their cursor. Both must be well-formed.
 */
export function compareDottedOids(a: string, b: string): number {
  if (a === b) return 0;
  // Walked OIDs share most of their arcs with the cursor (the rows of one
  // column): skip the common characters, back to the start of the arc where
  // the two differ, and compare numbers only from there.
  const n = a.length < b.length ? a.length : b.length;
  let k = 0;
  while (k < n && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  while (k > 0 && a.charCodeAt(k - 1) !== 46) k--;
  let i = k;
  let j = k;
  if (k === 0) {
    i = a.charCodeAt(0) === 46 ? 1 : 0;
    j = b.charCodeAt(0) === 46 ? 1 : 0;
  }
  for (;;) {
    const aDone = i >= a.length;
    const bDone = j >= b.length;
    if (aDone || bDone) return aDone === bDone ? 0 : aDone ? -1 : 1;
    let x = 0;
    for (let c = a.charCodeAt(i); c !== 46 && i < a.length; c = a.charCodeAt(++i)) x = x * 10 + (c - 48);
    let y = 0;
    for (let c = b.charCodeAt(j); c !== 46 && j < b.length; c = b.charCodeAt(++j)) y = y * 10 + (c - 48);
    if (x !== y) return x < y ? -1 : 1;
    i++;
    j++;
  }
}

/** True when `oid` lies strictly inside the subtree rooted at `root` (dotted strings). */
export function oidInSubtree(oid: string, root: string): boolean {
  return oid.length > root.length && oid.startsWith(root) && oid.charCodeAt(root.length) === 46;
}

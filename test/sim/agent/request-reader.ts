/**
 * Reads request PDUs without building strings: OIDs stay as offsets into
 * the packet, because the recording index compares BER content bytes.
 * Anything malformed throws a DcaError `malformed`; the caller drops and counts it.
 */
import { BerReader, Tag, decodeInteger } from "../../../src/common/ber.ts";
import { DcaError } from "../../../src/common/errors.ts";

/** A request PDU, as offsets into `buf`. */
export interface RequestPdu {
  buf: Uint8Array;
  type: number;
  /** The whole request-id TLV, echoed byte for byte in the response. */
  requestIdStart: number;
  requestIdEnd: number;
  /** error-status, or non-repeaters for GetBulk. */
  errorStatus: number;
  /** error-index, or max-repetitions for GetBulk. */
  errorIndex: number;
  /** The whole varbind-list TLV, echoed by v1 errors. */
  vblStart: number;
  vblEnd: number;
  /** OID content bounds of each varbind. */
  oidStart: number[];
  oidEnd: number[];
}

/** A v1/v2c message: the community and the PDU. */
export interface CommunityRequest {
  version: 0 | 1;
  communityStart: number;
  communityEnd: number;
  pdu: RequestPdu;
}

/** The most varbinds a request may carry; more is an attack or a bug, not a printer poll. */
const MAX_VARBINDS = 1024;

function checkOid(buf: Uint8Array, start: number, end: number): void {
  if (end === start) throw new DcaError("malformed", "empty OID");
  if (buf[end - 1] & 0x80) throw new DcaError("malformed", "OID ends inside an arc");
  // A sub-identifier may not start with 0x80 (X.690 8.19.2); the index relies on minimal encodings.
  let arcStart = true;
  for (let i = start; i < end; i++) {
    if (arcStart && buf[i] === 0x80) throw new DcaError("malformed", "OID arc is not minimally encoded");
    arcStart = (buf[i] & 0x80) === 0;
  }
}

/** Reads a PDU at the reader's position; `pduType` is checked by the caller. */
export function readRequestPdu(r: BerReader): RequestPdu {
  const buf = r.buf;
  const t = r.tlv();
  if (t.tag < 0xa0 || t.tag > 0xa8) throw new DcaError("malformed", `unknown PDU type 0x${t.tag.toString(16)}`);
  const p = new BerReader(buf, t.start, t.end);
  const idPos = p.pos;
  const id = p.expect(Tag.Integer, "request-id");
  if (id.end === id.start || id.end - id.start > 5) throw new DcaError("malformed", "bad request-id");
  const errorStatus = p.integer("error-status");
  const errorIndex = p.integer("error-index");
  const vblPos = p.pos;
  const vbl = p.expect(Tag.Sequence, "varbind list");
  const list = new BerReader(buf, vbl.start, vbl.end);
  const oidStart: number[] = [];
  const oidEnd: number[] = [];
  while (!list.done) {
    if (oidStart.length >= MAX_VARBINDS) throw new DcaError("malformed", "too many varbinds");
    const vb = list.expect(Tag.Sequence, "varbind");
    const v = new BerReader(buf, vb.start, vb.end);
    const oid = v.expect(Tag.Oid, "varbind name");
    checkOid(buf, oid.start, oid.end);
    v.tlv();
    if (!v.done) throw new DcaError("malformed", "trailing data in varbind");
    oidStart.push(oid.start);
    oidEnd.push(oid.end);
  }
  return {
    buf,
    type: t.tag,
    requestIdStart: idPos,
    requestIdEnd: id.end,
    errorStatus,
    errorIndex,
    vblStart: vblPos,
    vblEnd: vbl.end,
    oidStart,
    oidEnd,
  };
}

/** The version field of any SNMP message (0, 1 or 3). */
export function readVersion(buf: Uint8Array): number {
  const outer = new BerReader(buf);
  const seq = outer.expect(Tag.Sequence, "message");
  if (!outer.done) throw new DcaError("malformed", "trailing data after message");
  const r = new BerReader(buf, seq.start, seq.end);
  const v = r.expect(Tag.Integer, "version");
  return decodeInteger(buf, v);
}

/** Decodes a v1/v2c request. */
export function readCommunityRequest(buf: Uint8Array): CommunityRequest {
  const outer = new BerReader(buf);
  const r = outer.sequence("message");
  const version = r.integer("version");
  if (version !== 0 && version !== 1) throw new DcaError("malformed", `not a community message (version ${version})`);
  const c = r.expect(Tag.OctetString, "community");
  const pdu = readRequestPdu(r);
  if (!r.done) throw new DcaError("malformed", "trailing data after PDU");
  return { version, communityStart: c.start, communityEnd: c.end, pdu };
}

/** A decoded ScopedPDU: context identifiers as offsets, and the PDU. */
export interface ScopedRequest {
  contextEngineIdStart: number;
  contextEngineIdEnd: number;
  contextNameStart: number;
  contextNameEnd: number;
  pdu: RequestPdu;
}

/** Decodes a plaintext ScopedPDU (for v3 after decryption). Trailing octets are allowed: DES pads. */
export function readScopedRequest(buf: Uint8Array): ScopedRequest {
  const r = new BerReader(buf).sequence("scopedPDU");
  const e = r.expect(Tag.OctetString, "contextEngineID");
  const n = r.expect(Tag.OctetString, "contextName");
  const pdu = readRequestPdu(r);
  if (!r.done) throw new DcaError("malformed", "trailing data after PDU");
  return {
    contextEngineIdStart: e.start,
    contextEngineIdEnd: e.end,
    contextNameStart: n.start,
    contextNameEnd: n.end,
    pdu,
  };
}

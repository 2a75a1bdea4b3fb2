/**
 * SNMP messages on top of the BER codec: v1/v2c community messages, the
 * PDU, variable bindings, and the v3 envelope (USM parameters and scoped
 * PDU kept as bytes so the security layer can authenticate and decrypt them).
 */
import {
  BerReader,
  BerWriter,
  Tag,
  type Tlv,
  decodeCounter64,
  decodeInteger,
  decodeOid,
  decodeUnsigned,
  readTlv,
  unexpectedTag,
} from "../../common/ber.ts";
import { DcaError } from "../../common/errors.ts";

export const PduType = {
  Get: 0xa0,
  GetNext: 0xa1,
  Response: 0xa2,
  Set: 0xa3,
  TrapV1: 0xa4,
  GetBulk: 0xa5,
  Inform: 0xa6,
  TrapV2: 0xa7,
  Report: 0xa8,
} as const;

/** Decoded value of a varbind; the tag says how to read `value`. */
export type VarBindValue =
  | { tag: typeof Tag.Integer | typeof Tag.Counter32 | typeof Tag.Gauge32 | typeof Tag.TimeTicks; value: number }
  | { tag: typeof Tag.Counter64; value: bigint }
  | { tag: typeof Tag.OctetString | typeof Tag.Opaque | typeof Tag.IpAddress; value: Uint8Array }
  | { tag: typeof Tag.Oid; value: string }
  | { tag: typeof Tag.Null | typeof Tag.NoSuchObject | typeof Tag.NoSuchInstance | typeof Tag.EndOfMibView; value: null };

export type VarBind = { oid: string } & VarBindValue;

export interface Pdu {
  type: number;
  requestId: number;
  /** error-status; non-repeaters for GetBulk. */
  errorStatus: number;
  /** error-index; max-repetitions for GetBulk. */
  errorIndex: number;
  varbinds: VarBind[];
}

export interface CommunityMessage {
  /** 0 = v1, 1 = v2c. */
  version: 0 | 1;
  community: Uint8Array;
  pdu: Pdu;
}

export interface V3Message {
  version: 3;
  msgId: number;
  maxSize: number;
  /** bit 0 auth, bit 1 priv, bit 2 reportable. */
  flags: number;
  securityModel: number;
  /** Raw msgSecurityParameters content (the USM SEQUENCE). */
  securityParameters: Uint8Array;
  /** Offset of securityParameters inside the whole message (to zero the auth field). */
  securityParametersOffset: number;
  /** Either a plaintext ScopedPDU (encoded SEQUENCE) or the encrypted octets. */
  scopedPdu: Uint8Array;
  encrypted: boolean;
}

export interface UsmParameters {
  engineId: Uint8Array;
  engineBoots: number;
  engineTime: number;
  userName: Uint8Array;
  authParams: Uint8Array;
  privParams: Uint8Array;
}

export interface ScopedPdu {
  contextEngineId: Uint8Array;
  contextName: Uint8Array;
  pdu: Pdu;
}

// ---------------------------------------------------------------- encoding

function writeValue(w: BerWriter, vb: VarBind): void {
  switch (vb.tag) {
    case Tag.Integer:
      w.integer(vb.value);
      break;
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      w.unsigned(vb.value, vb.tag);
      break;
    case Tag.Counter64:
      w.counter64(vb.value);
      break;
    case Tag.OctetString:
    case Tag.Opaque:
    case Tag.IpAddress:
      w.octets(vb.value, vb.tag);
      break;
    case Tag.Oid:
      w.oid(vb.value);
      break;
    default:
      w.nul(vb.tag);
  }
}

/** Writes a PDU (back to front, like everything in BerWriter). */
export function writePdu(w: BerWriter, pdu: Pdu): void {
  const m = w.mark();
  const vbl = w.mark();
  for (let i = pdu.varbinds.length - 1; i >= 0; i--) {
    const vb = pdu.varbinds[i];
    const m2 = w.mark();
    writeValue(w, vb);
    w.oid(vb.oid);
    w.wrap(Tag.Sequence, m2);
  }
  w.wrap(Tag.Sequence, vbl);
  w.integer(pdu.errorIndex);
  w.integer(pdu.errorStatus);
  w.integer(pdu.requestId);
  w.wrap(pdu.type, m);
}

export function encodeCommunityMessage(msg: CommunityMessage, w = new BerWriter()): Uint8Array {
  const m = w.mark();
  writePdu(w, msg.pdu);
  w.octets(msg.community);
  w.integer(msg.version);
  w.wrap(Tag.Sequence, m);
  return w.bytes();
}

export function encodeScopedPdu(s: ScopedPdu, w = new BerWriter()): Uint8Array {
  const m = w.mark();
  writePdu(w, s.pdu);
  w.octets(s.contextName);
  w.octets(s.contextEngineId);
  w.wrap(Tag.Sequence, m);
  return w.bytes();
}

export function encodeUsmParameters(p: UsmParameters, w = new BerWriter(256)): Uint8Array {
  const m = w.mark();
  w.octets(p.privParams);
  w.octets(p.authParams);
  w.octets(p.userName);
  w.integer(p.engineTime);
  w.integer(p.engineBoots);
  w.octets(p.engineId);
  w.wrap(Tag.Sequence, m);
  return w.bytes().slice();
}

/**
 * Encodes a v3 message. `scopedPdu` is the plaintext ScopedPDU encoding, or
 * the ciphertext when `encrypted`; `securityParameters` is the encoded USM SEQUENCE.
 */
export function encodeV3Message(
  msg: Omit<V3Message, "securityParametersOffset" | "version">,
  w = new BerWriter(),
): Uint8Array {
  const m = w.mark();
  if (msg.encrypted) w.octets(msg.scopedPdu);
  else w.raw(msg.scopedPdu);
  w.octets(msg.securityParameters);
  const h = w.mark();
  w.integer(msg.securityModel);
  w.octets(Uint8Array.of(msg.flags));
  w.integer(msg.maxSize);
  w.integer(msg.msgId);
  w.wrap(Tag.Sequence, h);
  w.integer(3);
  w.wrap(Tag.Sequence, m);
  return w.bytes();
}

// ---------------------------------------------------------------- decoding

/** The value of a varbind whose value TLV is `t`. */
function varBindOf(oid: string, buf: Uint8Array, t: Tlv): VarBind {
  switch (t.tag) {
    case Tag.Integer:
      return { oid, tag: Tag.Integer, value: decodeInteger(buf, t) };
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return { oid, tag: t.tag, value: decodeUnsigned(buf, t) };
    case Tag.Counter64:
      return { oid, tag: Tag.Counter64, value: decodeCounter64(buf, t) };
    case Tag.OctetString:
    case Tag.Opaque:
    case Tag.IpAddress:
      return { oid, tag: t.tag, value: buf.subarray(t.start, t.end) };
    case Tag.Oid:
      return { oid, tag: Tag.Oid, value: decodeOid(buf, t) };
    case Tag.Null:
    case Tag.NoSuchObject:
    case Tag.NoSuchInstance:
    case Tag.EndOfMibView:
      if (t.end !== t.start) throw new DcaError("malformed", `value tag 0x${t.tag.toString(16)} must be empty`);
      return { oid, tag: t.tag, value: null };
    default:
      throw new DcaError("malformed", `unknown value tag 0x${t.tag.toString(16)} at ${oid}`);
  }
}

/**
 * The varbind list between `pos` and `limit`. Every varbind of every walk
 * passes here, so it reads headers into one reused Tlv rather than through
 * a BerReader per varbind.
 */
function readVarBinds(buf: Uint8Array, pos: number, limit: number): VarBind[] {
  const varbinds: VarBind[] = [];
  const t: Tlv = { tag: 0, start: 0, end: 0 };
  while (pos < limit) {
    if (readTlv(buf, pos, limit, t).tag !== Tag.Sequence) throw unexpectedTag("varbind", Tag.Sequence, t.tag);
    const end = t.end;
    if (readTlv(buf, t.start, end, t).tag !== Tag.Oid) throw unexpectedTag("varbind name", Tag.Oid, t.tag);
    const oid = decodeOid(buf, t);
    readTlv(buf, t.end, end, t);
    const vb = varBindOf(oid, buf, t);
    if (t.end !== end) throw new DcaError("malformed", `trailing data in varbind ${oid}`);
    varbinds.push(vb);
    pos = end;
  }
  return varbinds;
}

export function readPdu(r: BerReader): Pdu {
  const t = r.tlv();
  if (t.tag < 0xa0 || t.tag > 0xa8) throw new DcaError("malformed", `unknown PDU type 0x${t.tag.toString(16)}`);
  if (t.tag === PduType.TrapV1) throw new DcaError("malformed", "SNMPv1 traps are not handled");
  const p = r.enter(t);
  const requestId = p.integer("request-id");
  const errorStatus = p.integer("error-status");
  const errorIndex = p.integer("error-index");
  const list = p.expect(Tag.Sequence, "varbind list");
  return { type: t.tag, requestId, errorStatus, errorIndex, varbinds: readVarBinds(p.buf, list.start, list.end) };
}

/** Reads only the version of a message, to choose the decoder. */
export function peekVersion(buf: Uint8Array): number {
  const r = new BerReader(buf).sequence("message");
  return r.integer("version");
}

export function decodeCommunityMessage(buf: Uint8Array): CommunityMessage {
  const outer = new BerReader(buf);
  const r = outer.sequence("message");
  if (!outer.done) throw new DcaError("malformed", "trailing data after message");
  const version = r.integer("version");
  if (version !== 0 && version !== 1) throw new DcaError("malformed", `not a community message (version ${version})`);
  const community = r.octets("community");
  const pdu = readPdu(r);
  return { version, community, pdu };
}

export function decodeV3Message(buf: Uint8Array): V3Message {
  const outer = new BerReader(buf);
  const r = outer.sequence("message");
  if (!outer.done) throw new DcaError("malformed", "trailing data after message");
  const version = r.integer("version");
  if (version !== 3) throw new DcaError("malformed", `not a v3 message (version ${version})`);
  const h = r.sequence("msgGlobalData");
  const msgId = h.integer("msgID");
  const maxSize = h.integer("msgMaxSize");
  const flagBytes = h.octets("msgFlags");
  if (flagBytes.length !== 1) throw new DcaError("malformed", "msgFlags must be one octet");
  const securityModel = h.integer("msgSecurityModel");
  const spTlv = r.expect(Tag.OctetString, "msgSecurityParameters");
  const securityParameters = buf.subarray(spTlv.start, spTlv.end);
  const tag = r.peekTag();
  let scopedPdu: Uint8Array;
  let encrypted: boolean;
  if (tag === Tag.OctetString) {
    scopedPdu = r.octets("encryptedPDU");
    encrypted = true;
  } else {
    // Slice from where the TLV starts: the header need not use the minimal length form.
    const start = r.pos;
    const s = r.expect(Tag.Sequence, "scopedPDU");
    scopedPdu = buf.subarray(start, s.end);
    encrypted = false;
  }
  return {
    version: 3,
    msgId,
    maxSize,
    flags: flagBytes[0],
    securityModel,
    securityParameters,
    securityParametersOffset: spTlv.start,
    scopedPdu,
    encrypted,
  };
}

export function decodeUsmParameters(buf: Uint8Array): UsmParameters & { authParamsOffset: number } {
  const r = new BerReader(buf).sequence("UsmSecurityParameters");
  const engineId = r.octets("msgAuthoritativeEngineID");
  const engineBoots = r.integer("msgAuthoritativeEngineBoots");
  const engineTime = r.integer("msgAuthoritativeEngineTime");
  const userName = r.octets("msgUserName");
  const a = r.expect(Tag.OctetString, "msgAuthenticationParameters");
  const privParams = r.octets("msgPrivacyParameters");
  return {
    engineId,
    engineBoots,
    engineTime,
    userName,
    authParams: buf.subarray(a.start, a.end),
    authParamsOffset: a.start,
    privParams,
  };
}

export function decodeScopedPdu(buf: Uint8Array): ScopedPdu {
  const outer = new BerReader(buf);
  const r = outer.sequence("scopedPDU");
  const contextEngineId = r.octets("contextEngineID");
  const contextName = r.octets("contextName");
  const pdu = readPdu(r);
  return { contextEngineId, contextName, pdu };
}

/** The envelope of a community message: enough to match it to a request when its varbinds do not decode. */
export interface CommunityHeader {
  version: number;
  community: Uint8Array;
  pduType: number;
  requestId: number;
}

/** Reads version, community, PDU type and request-id; throws `malformed` when even those do not decode. */
export function decodeCommunityHeader(buf: Uint8Array): CommunityHeader {
  const r = new BerReader(buf).sequence("message");
  const version = r.integer("version");
  const community = r.octets("community");
  const t = r.tlv();
  const requestId = r.enter(t).integer("request-id");
  return { version, community, pduType: t.tag, requestId };
}

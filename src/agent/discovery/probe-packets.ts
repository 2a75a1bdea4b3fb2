/**
 * The packets of discovery: the probe GET (sysObjectID.0, sysDescr.0,
 * sysName.0 in one PDU, objects every agent has, so even v1 answers without
 * noSuchName), the unauthenticated v3 engine-discovery GET, and decoding of
 * whatever comes back.
 */
import { BerWriter, Tag } from "../../common/ber.ts";
import {
  type Pdu,
  PduType,
  decodeCommunityMessage,
  decodeScopedPdu,
  decodeUsmParameters,
  decodeV3Message,
  encodeCommunityMessage,
  encodeScopedPdu,
  encodeUsmParameters,
  encodeV3Message,
  peekVersion,
} from "../snmp/message.ts";
import { DcaError } from "../../common/errors.ts";

export const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
export const SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0";
export const SYS_NAME = "1.3.6.1.2.1.1.5.0";
export const PROBE_OIDS: readonly string[] = [SYS_OBJECT_ID, SYS_DESCR, SYS_NAME];

/** Lowest request id used: from here up to 2^31-1 every id encodes in exactly four octets. */
export const MIN_REQUEST_ID = 0x01000000;
export const MAX_REQUEST_ID = 0x7fffffff;

/** 0 = SNMPv1, 1 = SNMPv2c (the wire values). */
export type CommunityVersion = 0 | 1;

/**
 * Builds GET (or GETNEXT) packets that differ only in request-id: the message is encoded
 * once and the id patched in, since a /16 sweep sends 130,000 of them. With `into`
 * (at least the packet's length) the packet is written there and a view of it returned,
 * so a sweep reuses one buffer instead of allocating per packet.
 * Ids must lie in [MIN_REQUEST_ID, MAX_REQUEST_ID].
 */
export function createGetTemplate(
  version: CommunityVersion,
  community: Uint8Array,
  oids: readonly string[],
  type: number = PduType.Get,
): (requestId: number, into?: Uint8Array) => Uint8Array {
  const encode = (requestId: number) =>
    encodeCommunityMessage(
      {
        version,
        community,
        pdu: { type, requestId, errorStatus: 0, errorIndex: 0, varbinds: oids.map((oid) => ({ oid, tag: Tag.Null, value: null })) },
      },
      new BerWriter(256),
    ).slice();
  const a = encode(0x11223344);
  const b = encode(0x55667788);
  let at = 0;
  while (a[at] === b[at]) at++;
  return (requestId, into) => {
    if (requestId < MIN_REQUEST_ID || requestId > MAX_REQUEST_ID) throw new RangeError(`request id ${requestId} out of range`);
    let out: Uint8Array;
    if (into && into.length >= a.length) {
      out = into.length === a.length ? into : into.subarray(0, a.length);
      out.set(a);
    } else out = a.slice();
    out[at] = requestId >>> 24;
    out[at + 1] = (requestId >>> 16) & 0xff;
    out[at + 2] = (requestId >>> 8) & 0xff;
    out[at + 3] = requestId & 0xff;
    return out;
  };
}

/**
 * An SNMPv3 discovery request (RFC 3414 section 4): empty user, empty engine
 * id, noAuthNoPriv, reportable. An agent answers with a Report carrying its
 * engine id (usmStatsUnknownEngineIDs), which proves it speaks v3.
 */
export function encodeV3Discovery(msgId: number): Uint8Array {
  const empty = new Uint8Array(0);
  const securityParameters = encodeUsmParameters({
    engineId: empty,
    engineBoots: 0,
    engineTime: 0,
    userName: empty,
    authParams: empty,
    privParams: empty,
  });
  const scopedPdu = encodeScopedPdu(
    { contextEngineId: empty, contextName: empty, pdu: { type: PduType.Get, requestId: msgId, errorStatus: 0, errorIndex: 0, varbinds: [] } },
    new BerWriter(64),
  ).slice();
  return encodeV3Message(
    { msgId, maxSize: 65507, flags: 0x04, securityModel: 3, securityParameters, scopedPdu, encrypted: false },
    new BerWriter(128),
  ).slice();
}

/** A decoded reply, keyed by the id the prober matches it on. */
export type Reply =
  | { kind: "community"; id: number; version: CommunityVersion; community: Uint8Array; pdu: Pdu }
  | { kind: "v3"; id: number; engineId: Uint8Array; pdu: Pdu | null };

/** usmStatsUnknownEngineIDs.0: the Report an agent sends to a discovery request. */
export const USM_STATS_UNKNOWN_ENGINE_IDS = "1.3.6.1.6.3.15.1.1.4.0";

/** Decodes any SNMP message the prober may receive; throws a DcaError `malformed` when it is not one. */
export function decodeReply(bytes: Uint8Array): Reply {
  const version = peekVersion(bytes);
  if (version === 0 || version === 1) {
    const m = decodeCommunityMessage(bytes);
    return { kind: "community", id: m.pdu.requestId, version: m.version, community: m.community, pdu: m.pdu };
  }
  if (version !== 3) throw new DcaError("malformed", `unknown SNMP version ${version}`);
  const m = decodeV3Message(bytes);
  if (m.securityModel !== 3) throw new DcaError("malformed", `security model ${m.securityModel} is not USM`);
  const usm = decodeUsmParameters(m.securityParameters);
  const pdu = m.encrypted ? null : decodeScopedPdu(m.scopedPdu).pdu;
  return { kind: "v3", id: m.msgId, engineId: usm.engineId, pdu };
}

/** Equality of two byte strings (communities are compared, not trusted). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

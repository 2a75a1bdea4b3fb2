/**
 * Answers SNMPv3 requests as the authoritative engine (RFC 3412 7.2,
 * RFC 3414 3.2): engine-ID discovery, the USM checks in RFC order with a
 * Report for each failure, then the PDU handler and an authenticated,
 * possibly encrypted Response.
 */
import { BerWriter, Tag } from "../../../src/common/ber.ts";
import { PduType, decodeUsmParameters, decodeV3Message } from "../../../src/agent/snmp/message.ts";
import {
  UsmStatsOid,
  authDigestLength,
  decryptScopedPdu,
  encryptScopedPdu,
  isInTimeWindow,
  signMessage,
  verifyMessage,
} from "../usm.ts";
import type { Recording } from "../snmprec.ts";
import { type PacketWriter, type PduResult, headerSize, intSize, responsePduContentSize, writeResponsePdu } from "./packet-writer.ts";
import { handlePdu } from "./pdu-handler.ts";
import type { HostileMode } from "./hostile.ts";
import { type RequestPdu, type ScopedRequest, readScopedRequest } from "./request-reader.ts";
import type { SimStats } from "./sim-stats.ts";
import type { UsmCounters, V3Engine, V3User } from "./v3-engine.ts";
import { DcaError } from "../../../src/common/errors.ts";

/** snmpUnknownContexts (SNMP-TARGET-MIB), reported for a contextName the device does not serve. */
export const UNKNOWN_CONTEXTS_OID = "1.3.6.1.6.3.12.1.5.0";
/** The largest response we build, whatever msgMaxSize the manager offers (one UDP datagram). */
const LOCAL_MAX_SIZE = 65507;
const AUTHORIZATION_ERROR = 16;
const NO_REQUEST_ID: RequestPdu = {
  buf: Uint8Array.of(Tag.Integer, 1, 0),
  type: PduType.Get,
  requestIdStart: 0,
  requestIdEnd: 3,
  errorStatus: 0,
  errorIndex: 0,
  vblStart: 0,
  vblEnd: 0,
  oidStart: [],
  oidEnd: [],
};

/** Scratch space shared by all engines; responses are sent before the next request is read. */
export interface V3Scratch {
  scoped: PacketWriter;
  message: PacketWriter;
  result: PduResult;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function counterVarbind(oid: string, value: number): Uint8Array {
  const w = new BerWriter(64);
  w.unsigned(value >>> 0, Tag.Counter32);
  w.oid(oid);
  w.wrap(Tag.Sequence, 0);
  return w.bytes().slice();
}

interface Outgoing {
  msgId: number;
  /** msgFlags without the reportable bit: 0, 1 or 3. */
  level: number;
  userName: Uint8Array;
  user?: V3User;
  contextName: Uint8Array;
  pduType: number;
  req: RequestPdu;
  res: PduResult;
}

/** Writes the whole v3 message into `s.message`, encrypting and signing per `out.level`. */
function writeMessage(engine: V3Engine, out: Outgoing, s: V3Scratch): Uint8Array {
  const { scoped, message: w } = s;
  const eid = engine.engineId;
  const pduContent = responsePduContentSize(out.req, out.res);
  const scopedContent = headerSize(eid.length) + eid.length + headerSize(out.contextName.length) + out.contextName.length + headerSize(pduContent) + pduContent;
  scoped.pos = 0;
  scoped.header(Tag.Sequence, scopedContent);
  scoped.header(Tag.OctetString, eid.length);
  scoped.bytes(eid);
  scoped.header(Tag.OctetString, out.contextName.length);
  scoped.bytes(out.contextName);
  writeResponsePdu(scoped, out.pduType, out.req, out.res);
  const time = engine.time();
  const user = out.user;
  let msgData = scoped.view();
  let salt: Uint8Array = new Uint8Array(0);
  if (out.level === 3 && user?.priv && user.privKey) {
    salt = engine.salt(user.priv);
    msgData = encryptScopedPdu(user.priv, user.privKey, msgData, salt, engine.boots, time);
  }
  const digestLength = out.level >= 1 && user?.auth ? authDigestLength(user.auth) : 0;
  const u = out.userName;
  const usmContent =
    headerSize(eid.length) + eid.length + intSize(engine.boots) + intSize(time) + headerSize(u.length) + u.length +
    headerSize(digestLength) + digestLength + headerSize(salt.length) + salt.length;
  const usmSeq = headerSize(usmContent) + usmContent;
  const globalContent = intSize(out.msgId) + intSize(LOCAL_MAX_SIZE) + 3 + intSize(3);
  const dataSize = out.level === 3 ? headerSize(msgData.length) + msgData.length : msgData.length;
  w.pos = 0;
  w.header(Tag.Sequence, 3 + headerSize(globalContent) + globalContent + headerSize(usmSeq) + usmSeq + dataSize);
  w.int(3);
  w.header(Tag.Sequence, globalContent);
  w.int(out.msgId);
  w.int(LOCAL_MAX_SIZE);
  w.header(Tag.OctetString, 1);
  w.buf[w.pos++] = out.level;
  w.int(3);
  w.header(Tag.OctetString, usmSeq);
  w.header(Tag.Sequence, usmContent);
  w.header(Tag.OctetString, eid.length);
  w.bytes(eid);
  w.int(engine.boots);
  w.int(time);
  w.header(Tag.OctetString, u.length);
  w.bytes(u);
  w.header(Tag.OctetString, digestLength);
  const authOffset = w.pos;
  w.buf.fill(0, w.pos, w.pos + digestLength);
  w.pos += digestLength;
  w.header(Tag.OctetString, salt.length);
  w.bytes(salt);
  if (out.level === 3) w.header(Tag.OctetString, msgData.length);
  w.bytes(msgData);
  const bytes = w.view();
  if (digestLength > 0 && user?.auth && user.authKey) signMessage(user.auth, user.authKey, bytes, authOffset);
  return bytes;
}

/**
 * Answers one v3 datagram, or returns null after counting why not.
 * Throws a DcaError `malformed` for malformed input.
 */
export function respondV3(
  buf: Uint8Array,
  engine: V3Engine,
  contexts: ReadonlyMap<string, Recording>,
  scratch: V3Scratch,
  stats: SimStats,
  hostile?: readonly HostileMode[],
): Uint8Array | null {
  const msg = decodeV3Message(buf);
  if (msg.securityModel !== 3) {
    stats.unsupported++;
    return null;
  }
  if (msg.maxSize < 484) throw new DcaError("malformed", `msgMaxSize ${msg.maxSize} is below 484`);
  const level = msg.flags & 3;
  if (level === 2 || msg.encrypted !== (level === 3)) throw new DcaError("malformed", `msgFlags 0x${msg.flags.toString(16)} do not match the message`);
  const usm = decodeUsmParameters(msg.securityParameters);
  let scoped: ScopedRequest | undefined = msg.encrypted ? undefined : readScopedRequest(msg.scopedPdu);
  const res = scratch.result;

  const report = (oid: string, counter: keyof UsmCounters, reportLevel: number, user?: V3User): Uint8Array | null => {
    const count = ++engine.counters[counter];
    if ((msg.flags & 4) === 0) {
      stats.unsupported++;
      return null;
    }
    res.errorStatus = res.errorIndex = res.length = 0;
    res.echo = false;
    res.parts[0] = counterVarbind(oid, count);
    res.count = 1;
    res.length = res.parts[0].length;
    stats.reports++;
    const contextName = scoped ? scoped.pdu.buf.subarray(scoped.contextNameStart, scoped.contextNameEnd) : new Uint8Array(0);
    const req = scoped?.pdu ?? NO_REQUEST_ID;
    return writeMessage(engine, { msgId: msg.msgId, level: reportLevel, userName: usm.userName, user, contextName, pduType: PduType.Report, req, res }, scratch);
  };

  if (!equalBytes(usm.engineId, engine.engineId)) return report(UsmStatsOid.unknownEngineIds, "unknownEngineIds", 0);
  const user = engine.users.get(latin1(usm.userName));
  if (!user) return report(UsmStatsOid.unknownUserNames, "unknownUserNames", 0);
  if (level > user.level) return report(UsmStatsOid.unsupportedSecLevels, "unsupportedSecLevels", 0);
  if (level >= 1 && user.auth && user.authKey) {
    const authOffset = msg.securityParametersOffset + usm.authParamsOffset;
    if (!verifyMessage(user.auth, user.authKey, buf, authOffset, usm.authParams.length)) {
      return report(UsmStatsOid.wrongDigests, "wrongDigests", 0);
    }
    if (!isInTimeWindow(engine.boots, engine.time(), usm.engineBoots, usm.engineTime)) {
      return report(UsmStatsOid.notInTimeWindows, "notInTimeWindows", 1, user);
    }
  }
  if (level === 3 && user.priv && user.privKey) {
    try {
      const plain = decryptScopedPdu(user.priv, user.privKey, msg.scopedPdu, usm.privParams, usm.engineBoots, usm.engineTime);
      scoped = readScopedRequest(plain);
    } catch {
      // CFB "decrypts" with any key; a wrong key shows up as a ScopedPDU that does not parse.
      return report(UsmStatsOid.decryptionErrors, "decryptionErrors", 0);
    }
  }
  if (!scoped) throw new DcaError("malformed", "no scopedPDU");
  const s = scoped;
  const sbuf = s.pdu.buf;
  const contextName = sbuf.subarray(s.contextNameStart, s.contextNameEnd);
  const rec = contexts.get(latin1(contextName));
  if (!rec) return report(UNKNOWN_CONTEXTS_OID, "unknownContexts", level, user);
  const out: Outgoing = { msgId: msg.msgId, level, userName: usm.userName, user, contextName, pduType: PduType.Response, req: s.pdu, res };
  const maxSize = Math.min(msg.maxSize, LOCAL_MAX_SIZE);
  const overhead =
    64 + 2 * engine.engineId.length + usm.userName.length + 48 + contextName.length + (s.pdu.requestIdEnd - s.pdu.requestIdStart);
  if (level < user.level) {
    // The user exists at a higher level; like a VACM view that needs auth, refuse the PDU.
    res.errorStatus = AUTHORIZATION_ERROR;
    res.errorIndex = 0;
    res.count = res.length = 0;
    res.echo = true;
  } else if (!handlePdu(rec, s.pdu, 3, maxSize - overhead, res, hostile)) {
    stats.unsupported++;
    return null;
  }
  return writeMessage(engine, out, scratch);
}

/**
 * Answers SNMPv1 and SNMPv2c requests: community lookup, then the PDU
 * handler, then one Response written into the shared packet writer.
 */
import { Tag } from "../../../src/common/ber.ts";
import { PduType } from "../../../src/agent/snmp/message.ts";
import type { Recording } from "../snmprec.ts";
import { type PacketWriter, type PduResult, headerSize, responsePduContentSize, writeResponsePdu } from "./packet-writer.ts";
import { handlePdu } from "./pdu-handler.ts";
import { readCommunityRequest } from "./request-reader.ts";
import type { SimStats } from "./sim-stats.ts";
import type { HostileMode } from "./hostile.ts";

/** Finds the recording a community selects, straight from the packet bytes. */
export type CommunityTable = (buf: Uint8Array, start: number, end: number) => Recording | undefined;

/**
 * Builds a lookup from community strings (`public`, `public@Context`, or
 * snmpsim-style file stems) to recordings. Few entries are compared as
 * bytes; many go through a Map.
 */
export function createCommunityTable(entries: ReadonlyMap<string, Recording>): CommunityTable {
  const list = [...entries].map(([c, rec]) => [Buffer.from(c, "latin1"), rec] as const);
  if (list.length <= 8) {
    return (buf, start, end) => {
      const len = end - start;
      outer: for (const [c, rec] of list) {
        if (c.length !== len) continue;
        for (let i = 0; i < len; i++) if (c[i] !== buf[start + i]) continue outer;
        return rec;
      }
      return undefined;
    };
  }
  const map = new Map(entries);
  return (buf, start, end) => map.get(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1"));
}

/** Content length of the message SEQUENCE: version, community, PDU. */
function messageContentSize(communityLength: number, pduContent: number): number {
  return 3 + headerSize(communityLength) + communityLength + headerSize(pduContent) + pduContent;
}

/**
 * Answers one v1/v2c datagram; returns a view of `w` to send, or null
 * after counting why it is dropped. Throws a DcaError `malformed` for malformed input.
 */
export function respondCommunity(
  buf: Uint8Array,
  communities: CommunityTable,
  maxResponseSize: number,
  w: PacketWriter,
  res: PduResult,
  stats: SimStats,
  hostile?: readonly HostileMode[],
): Uint8Array | null {
  const msg = readCommunityRequest(buf);
  const rec = communities(buf, msg.communityStart, msg.communityEnd);
  if (!rec) {
    stats.badCommunity++;
    return null;
  }
  const communityLength = msg.communityEnd - msg.communityStart;
  const req = msg.pdu;
  // Worst-case framing: 3 headers of up to 4 octets plus this request's fixed fields.
  const fixed = 12 + 3 + headerSize(communityLength) + communityLength + (req.requestIdEnd - req.requestIdStart) + 2 * 6;
  if (!handlePdu(rec, req, msg.version, maxResponseSize - fixed, res, hostile)) {
    stats.unsupported++;
    return null;
  }
  const pduContent = responsePduContentSize(req, res);
  w.pos = 0;
  w.header(Tag.Sequence, messageContentSize(communityLength, pduContent));
  w.int(msg.version);
  w.header(Tag.OctetString, communityLength);
  w.bytes(buf, msg.communityStart, msg.communityEnd);
  writeResponsePdu(w, PduType.Response, req, res);
  return w.view();
}

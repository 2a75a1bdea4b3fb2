/**
 * The hostile modes that change what a walk sees (the list of all modes:
 * ./hostile-modes.ts). GET is still served from the
 * recording, so the device answers the system group and looks like a
 * printer; GETNEXT and GETBULK get the hostile answers, which are built from
 * the request's OID bytes alone (never decoded, so a simulator started
 * against an old agent keeps answering however long its OIDs grow).
 *
 * - `longer-oids`: the next OID is always the requested one plus one arc
 *   (`X` -> `X.1`), inside every subtree, never ending.
 * - `endless`: a table that never ends, with normal-size OIDs: below 12
 *   arcs one arc is added, then the last arc counts up forever.
 * - `slow`: every answer waits {@link HOSTILE_SLOW_MS} (the fleet's latency).
 * - `slow-walks`: GET is answered at once (the device is found, classified
 *   and connected to as fast as any), each v1/v2c GETNEXT and GETBULK after
 *   {@link HOSTILE_SLOW_MS}: a printer that holds a read, not a sweep.
 *
 * A hostile device ignores the response-size limit a real agent keeps (up to
 * a UDP datagram), and answers at least one varbind per requested OID.
 */
import { Tag } from "../../../src/common/ber.ts";
import { PduType } from "../../../src/agent/snmp/message.ts";
import type { PduResult } from "./packet-writer.ts";
import { type RequestPdu, readCommunityRequest } from "./request-reader.ts";
import type { HostileMode, PduHandler } from "./hostile-modes.ts";


/** The delay of every answer of a `slow` device (the case). */
export const HOSTILE_SLOW_MS = 500;

/** True for a v1/v2c GETNEXT or GETBULK datagram (what `slow-walks` delays). */
export function isWalkRequest(datagram: Uint8Array): boolean {
  try {
    const type = readCommunityRequest(datagram).pdu.type;
    return type === PduType.GetNext || type === PduType.GetBulk;
  } catch {
    return false;
  }
}

/** Varbind octets a hostile answer may carry: a UDP datagram less room for the framing. */
const MAX_VARBIND_OCTETS = 60_000;
/** `endless` adds arcs until an OID has this many, then counts the last one up. */
const ENDLESS_DEPTH = 12;


function header(tag: number, len: number): number[] {
  if (len < 0x80) return [tag, len];
  const octets: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  return [tag, 0x80 | octets.length, ...octets];
}

/** A varbind TLV from OID content octets and a whole value TLV. */
function varbind(oid: Uint8Array, value: readonly number[]): Uint8Array {
  const oidHeader = header(Tag.Oid, oid.length);
  const content = oidHeader.length + oid.length + value.length;
  const seq = header(Tag.Sequence, content);
  const out = new Uint8Array(seq.length + content);
  out.set(seq);
  out.set(oidHeader, seq.length);
  out.set(oid, seq.length + oidHeader.length);
  out.set(value, seq.length + oidHeader.length + oid.length);
  return out;
}

function base128(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift(0x80 | (v & 0x7f));
  return out;
}

/** Where the last arc of OID content octets starts, and its value. */
function lastArc(oid: Uint8Array): { start: number; value: number } {
  let start = oid.length - 1;
  while (start > 0 && oid[start - 1]! & 0x80) start--;
  let value = 0;
  for (let i = start; i < oid.length; i++) value = value * 128 + (oid[i]! & 0x7f);
  // The first octet holds two arcs; a one-octet OID has no last arc of its own to count up.
  return start === 0 ? { start: oid.length, value: 0 } : { start, value };
}

/** The OID (content octets) a hostile device answers after `oid`, with the value it gives it. */
function nextOf(modes: readonly HostileMode[], oid: Uint8Array): { oid: Uint8Array; value: number[] } | undefined {
  if (modes.includes("longer-oids")) {
    const out = new Uint8Array(oid.length + 1);
    out.set(oid);
    out[oid.length] = 1;
    return { oid: out, value: [Tag.Integer, 1, 1] };
  }
  if (modes.includes("endless")) {
    let arcs = 1;
    for (const b of oid) if ((b & 0x80) === 0) arcs++;
    if (arcs < ENDLESS_DEPTH) return { oid: Uint8Array.of(...oid, 1), value: [Tag.Counter32, 1, 1] };
    const last = lastArc(oid);
    const n = last.value + 1;
    const out = Uint8Array.of(...oid.subarray(0, last.start), ...base128(n));
    // A Counter32 holding the arc: a plausible meter value.
    const v = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    return { oid: out, value: [Tag.Counter32, 5, 0, ...v] };
  }
  return undefined;
}

/**
 * Answers a GETNEXT or GETBULK the hostile way into `res`; false when these
 * modes leave the request to the recording (GET, SET, v1 GETBULK, `slow`).
 */
export function hostileAnswer(modes: readonly HostileMode[], req: RequestPdu, version: number, res: PduResult): boolean {
  const bulk = req.type === PduType.GetBulk;
  if (!(req.type === PduType.GetNext || (bulk && version !== 0))) return false;
  if (!modes.includes("longer-oids") && !modes.includes("endless")) return false;
  res.errorStatus = res.errorIndex = res.count = res.length = 0;
  res.echo = false;
  const cursors: Uint8Array[] = req.oidStart.map((s, i) => req.buf.slice(s, req.oidEnd[i]));
  const nonRepeaters = bulk ? Math.min(Math.max(req.errorStatus, 0), cursors.length) : cursors.length;
  const reps = bulk ? Math.max(req.errorIndex, 0) : 0;
  const add = (i: number): boolean => {
    const next = nextOf(modes, cursors[i]!)!;
    const part = varbind(next.oid, next.value);
    if (res.count >= cursors.length && res.length + part.length > MAX_VARBIND_OCTETS) return false;
    res.parts[res.count++] = part;
    res.length += part.length;
    cursors[i] = next.oid;
    return true;
  };
  for (let i = 0; i < nonRepeaters; i++) add(i);
  for (let r = 0; r < reps; r++) for (let i = nonRepeaters; i < cursors.length; i++) if (!add(i)) return true;
  return true;
}

/** `inner`, except that `longer-oids` and `endless` answer GETNEXT and GETBULK their own way. */
export function hostileWalkHandler(modes: readonly HostileMode[], inner: PduHandler): PduHandler {
  if (!modes.includes("longer-oids") && !modes.includes("endless")) return inner;
  return (rec, req, version, budget, res) => hostileAnswer(modes, req, version, res) || inner(rec, req, version, budget, res);
}

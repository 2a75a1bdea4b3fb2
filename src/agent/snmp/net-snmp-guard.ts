/**
 * Holds net-snmp (the SNMPv3 path) to the rules our own client keeps on
 * v1/v2c (snmp-client.ts, ber.ts), where net-snmp does not:
 *
 * - a reply counts only from the address and port the request went to.
 *   net-snmp's Session.onMsg ignores the sender, so anyone on the LAN who
 *   guesses a request id could speak for the printer: {@link guardSource}
 *   puts a filter in front of it on the session's own socket;
 * - an OID arc beyond 32 bits makes the datagram unreadable. asn1-ber's
 *   Reader.readOID shifts arcs in 32-bit integers, so 2^70 + 2 became 2 and
 *   a row of another marker; a Counter32/Gauge32/TimeTicks beyond 32 bits
 *   was wrapped by net-snmp's `>>> 0`. {@link makeDecodingStrict} replaces
 *   both readers on asn1-ber's Reader prototype with ours.
 *
 * The prototype patch only holds if it reaches the asn1-ber instance that
 * net-snmp itself loaded (one copy in node_modules, one module in the
 * compiled binary); {@link makeDecodingStrict} proves it by feeding a
 * crafted datagram to net-snmp's own message handler, and refuses to let
 * v3 reads go on if the patch did not take.
 */
import { Tag, type Tlv, decodeOid } from "../../common/ber.ts";
import { DcaError } from "../../common/errors.ts";
import { addressKey } from "../../common/ip-address.ts";
import { SnmpError } from "./session.ts";

// biome-ignore lint: net-snmp and asn1-ber have no types
type Untyped = any;

/** What the strict readers throw; SnmpError.from turns it into `malformed` "unreadable response: ...". */
function unreadable(why: string): DcaError {
  return new DcaError("malformed", `unreadable value: ${why}`);
}

/** Counter32, Gauge32, TimeTicks: asn1-ber reads them as signed and net-snmp wraps them. */
const UNSIGNED_TAGS = new Set<number>([Tag.Counter32, Tag.Gauge32, Tag.TimeTicks]);

/** A v2c GetResponse whose one varbind is named 1.3.6.1.<2^70>: what the check below must see refused. */
const HUGE_ARC_RESPONSE = Buffer.from("302c0201010406" + "7075626c6963" + "a21f020101020100020100" + "3014" + "3012" + "060e2b06018180808080808080808000" + "0500", "hex");

let strict = false;

/**
 * Makes asn1-ber's Reader refuse what our decoder refuses (idempotent), then
 * checks through net-snmp's own message handler that it took.
 */
export function makeDecodingStrict(asn1: Untyped, snmp: Untyped): void {
  if (strict) return;
  const proto = asn1.Ber?.Reader?.prototype ?? asn1.Reader?.prototype;
  if (!proto) throw new SnmpError("unavailable", "SNMPv3: asn1-ber has no Reader to make strict; refusing to read over net-snmp");
  const readInt = proto.readInt;
  proto.readOID = function (this: Untyped, tag?: number) {
    const bytes: Uint8Array | null = this.readString(tag ?? Tag.Oid, true);
    if (bytes === null) return null;
    const t: Tlv = { tag: Tag.Oid, start: 0, end: bytes.length };
    try {
      return decodeOid(bytes, t);
    } catch (e) {
      throw unreadable((e as Error).message);
    }
  };
  proto.readInt = function (this: Untyped, tag?: number) {
    const t = this.peek();
    if (!UNSIGNED_TAGS.has(t)) return readInt.call(this, tag);
    const bytes: Uint8Array | null = this.readString(t, true);
    if (bytes === null) return null;
    if (bytes.length === 0) throw unreadable("empty unsigned integer");
    let v = 0;
    for (const b of bytes) v = v * 256 + b;
    // Unsigned as our decoder reads it (a missing leading zero is tolerated); never wrapped.
    if (v > 0xffffffff) throw unreadable(`unsigned value ${v} exceeds 32 bits`);
    return v;
  };
  let seen: unknown;
  snmp.Session.prototype.onMsg.call({ emit: (_: string, e: unknown) => (seen = e), unregisterRequest: () => undefined }, HUGE_ARC_RESPONSE);
  if (!(seen instanceof Error) || !/unreadable value/.test(seen.message)) {
    throw new SnmpError("unavailable", "SNMPv3: could not make net-snmp refuse OID arcs beyond 32 bits; refusing to read over it");
  }
  strict = true;
}

/**
 * Puts a sender check in front of a net-snmp session: datagrams on its
 * socket from any address or port but `address`:`port` are counted in
 * `dropped` and never reach net-snmp. `onError` gets what net-snmp throws
 * on a datagram it cannot read (it would otherwise escape the socket's
 * event handler).
 */
export function guardSource(raw: Untyped, address: string, port: number, dropped: { count: number }, onError: (e: Error) => void): void {
  const socket = raw.dgram;
  const key = addressKey(address);
  socket.removeAllListeners("message");
  socket.on("message", (buffer: Buffer, from: { address: string; port: number }) => {
    if (from.port !== port || (from.address !== address && addressKey(from.address) !== key)) {
      dropped.count++;
      return;
    }
    try {
      raw.onMsg(buffer);
    } catch (e) {
      onError(e as Error);
    }
  });
}

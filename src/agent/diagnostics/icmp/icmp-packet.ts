/**
 * ICMP and ICMPv6 echo packets: building requests and reading what comes
 * back, including the original probe an error message quotes (that is how a
 * traceroute hop is matched to the probe it answers).
 *
 * Raw IPv4 sockets hand us the IP header in front of the ICMP message; ping
 * (dgram) sockets and all ICMPv6 sockets give the ICMP message alone.
 */

/** 4 for ICMP over IPv4, 6 for ICMPv6. */
export type IcmpFamily = 4 | 6;

const ECHO_REQUEST = { 4: 8, 6: 128 } as const;
const ECHO_REPLY = { 4: 0, 6: 129 } as const;
const TIME_EXCEEDED = { 4: 11, 6: 3 } as const;
const UNREACHABLE = { 4: 3, 6: 1 } as const;

/** Bytes of payload after the 8-byte echo header, as the classic ping sends (64 bytes in all). */
export const ECHO_PAYLOAD_BYTES = 56;
const MARKER = new TextEncoder().encode("dca-icmp");

/** The Internet checksum (RFC 1071) of `bytes`. */
export function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An echo request with `id` and `seq`. The IPv4 checksum is filled in here;
 * for ICMPv6 the kernel computes it (it covers a pseudo-header we do not see),
 * as it also does for ping sockets, which overwrite `id` with their own.
 */
export function buildEchoRequest(family: IcmpFamily, id: number, seq: number): Uint8Array {
  const packet = new Uint8Array(8 + ECHO_PAYLOAD_BYTES);
  packet[0] = ECHO_REQUEST[family];
  packet[4] = (id >> 8) & 0xff;
  packet[5] = id & 0xff;
  packet[6] = (seq >> 8) & 0xff;
  packet[7] = seq & 0xff;
  packet.set(MARKER, 8);
  for (let i = 8 + MARKER.length; i < packet.length; i++) packet[i] = i & 0xff;
  if (family === 4) {
    const sum = internetChecksum(packet);
    packet[2] = sum >> 8;
    packet[3] = sum & 0xff;
  }
  return packet;
}

/** What an incoming ICMP message means for a ping or traceroute. */
export interface IcmpMessage {
  kind: "echo-reply" | "time-exceeded" | "unreachable";
  type: number;
  code: number;
  /** The echo identifier and sequence: of the reply itself, or of the probe an error quotes. */
  id: number;
  seq: number;
  /** TTL / hop limit the message arrived with, when known. */
  ttl?: number;
}

const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];

/**
 * Reads one received ICMP message; undefined for anything that is not an
 * echo reply, nor an error quoting one of our echo requests (other people's
 * traffic, our own requests seen on loopback, truncated packets).
 */
export function parseIcmpMessage(family: IcmpFamily, bytes: Uint8Array, withIpHeader: boolean): IcmpMessage | undefined {
  let icmp = bytes;
  let ttl: number | undefined;
  if (withIpHeader) {
    if (bytes.length < 20 || bytes[0] >> 4 !== 4) return undefined;
    ttl = bytes[8];
    icmp = bytes.subarray((bytes[0] & 0x0f) * 4);
  }
  if (icmp.length < 8) return undefined;
  const type = icmp[0];
  const code = icmp[1];
  if (type === ECHO_REPLY[family]) return { kind: "echo-reply", type, code, id: u16(icmp, 4), seq: u16(icmp, 6), ttl };
  const kind = type === TIME_EXCEEDED[family] ? "time-exceeded" : type === UNREACHABLE[family] ? "unreachable" : undefined;
  if (!kind) return undefined;
  const quoted = quotedEcho(family, icmp.subarray(8));
  return quoted && { kind, type, code, ...quoted, ttl };
}

/** The id and seq of the echo request quoted (IP header first) in an ICMP error's body. */
export function quotedEcho(family: IcmpFamily, original: Uint8Array): { id: number; seq: number } | undefined {
  let at: number;
  if (family === 4) {
    if (original.length < 20 || original[0] >> 4 !== 4 || original[9] !== 1) return undefined;
    at = (original[0] & 0x0f) * 4;
  } else {
    // Extension headers in front of the ICMPv6 one are not followed: our probes carry none.
    if (original.length < 40 || original[0] >> 4 !== 6 || original[6] !== 58) return undefined;
    at = 40;
  }
  return echoRequestIds(family, original.subarray(at));
}

/** The id and seq of an echo request of ours (as a ping socket's error queue returns it). */
export function echoRequestIds(family: IcmpFamily, icmp: Uint8Array): { id: number; seq: number } | undefined {
  if (icmp.length < 8 || icmp[0] !== ECHO_REQUEST[family]) return undefined;
  return { id: u16(icmp, 4), seq: u16(icmp, 6) };
}

/** Kind of an ICMP error by type, for errors the kernel reports through a ping socket's error queue. */
export function errorKind(family: IcmpFamily, type: number): "time-exceeded" | "unreachable" | undefined {
  if (type === TIME_EXCEEDED[family]) return "time-exceeded";
  if (type === UNREACHABLE[family]) return "unreachable";
  return undefined;
}

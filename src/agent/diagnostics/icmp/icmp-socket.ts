/**
 * One ICMP socket over libc: a raw socket (root or CAP_NET_RAW) or the
 * kernel's unprivileged ping socket (SOCK_DGRAM, IPPROTO_ICMP, allowed when
 * net.ipv4.ping_group_range holds the process's group). "auto" tries raw
 * first, then the ping socket, and when neither is allowed says what to do.
 *
 * Waiting never blocks Bun's event loop for long: poll() gets a slice of a
 * few milliseconds, then we yield to the loop and poll again. RTTs stay
 * accurate because poll() returns as soon as a packet arrives.
 */
import { ptr } from "bun:ffi";
import { readFileSync } from "node:fs";
import { formatIp, parseIp } from "../../../common/ip-address.ts";
import { type IcmpFamily, type IcmpMessage, echoRequestIds, errorKind, parseIcmpMessage } from "./icmp-packet.ts";
import * as c from "./libc.ts";

/** Which kind of socket to use; "auto" takes the first that is permitted. */
export type IcmpMode = "auto" | "raw" | "dgram";

/** A message received, who sent it, and when (performance.now()). */
export interface Received {
  message: IcmpMessage;
  from: string;
  at: number;
}

/** An open ICMP socket for one family. */
export interface IcmpSocket {
  readonly family: IcmpFamily;
  readonly mode: "raw" | "dgram";
  /** Sends `packet` to `address` (an IP literal) with `ttl` when given; returns an error text on failure. */
  send(packet: Uint8Array, address: string, ttl?: number): string | undefined;
  /** The next message of interest, or undefined after `timeoutMs`. */
  receive(timeoutMs: number): Promise<Received | undefined>;
  close(): void;
}

/** The socket, or a sentence saying why there is none. */
export type OpenResult = { socket: IcmpSocket; error?: undefined } | { socket?: undefined; error: string };

/** Longest time poll() may hold the event loop in one go. */
const POLL_SLICE_MS = 4;

/** Opens an ICMP socket of `family` in `mode`. */
export function openIcmpSocket(family: IcmpFamily, mode: IcmpMode = "auto"): OpenResult {
  const libc = c.loadLibc();
  if (!libc) return { error: `ICMP ping is not supported on this platform yet (${process.platform}/${process.arch}); Linux only` };
  const domain = family === 4 ? c.AF_INET : c.AF_INET6;
  const protocol = family === 4 ? c.IPPROTO_ICMP : c.IPPROTO_ICMPV6;
  const tries: ("raw" | "dgram")[] = mode === "auto" ? ["raw", "dgram"] : [mode];
  const failures = new Map<"raw" | "dgram", number>();
  for (const kind of tries) {
    const type = (kind === "raw" ? c.SOCK_RAW : c.SOCK_DGRAM) | c.SOCK_NONBLOCK | c.SOCK_CLOEXEC;
    const fd = libc.socket(domain, type, protocol);
    if (fd >= 0) return { socket: createIcmpSocket(libc, fd, family, kind) };
    failures.set(kind, libc.errno());
  }
  return { error: explainFailure(family, failures) };
}

function explainFailure(family: IcmpFamily, failures: Map<"raw" | "dgram", number>): string {
  const denied = (e: number | undefined) => e === c.EPERM || e === c.EACCES;
  const raw = failures.get("raw");
  const dgram = failures.get("dgram");
  if (raw === c.EAFNOSUPPORT || dgram === c.EAFNOSUPPORT) return `ICMP over IPv${family} is not available on this host (no IPv${family} support)`;
  const parts: string[] = [];
  if (raw !== undefined) {
    parts.push(denied(raw) ? "raw ICMP sockets need root or CAP_NET_RAW (run as root, or `setcap cap_net_raw+ep` on the dca binary, or AmbientCapabilities=CAP_NET_RAW in its systemd unit)" : `raw ICMP socket failed (errno ${raw})`);
  }
  if (dgram !== undefined) {
    if (denied(dgram)) {
      const gid = process.getgid?.() ?? "?";
      parts.push(`unprivileged ping sockets need net.ipv4.ping_group_range to include group ${gid} (now "${pingGroupRange()}"; set e.g. \`sysctl -w net.ipv4.ping_group_range="0 2147483647"\`)`);
    } else parts.push(`ping socket failed (errno ${dgram})`);
  }
  const anyDenied = denied(raw) || denied(dgram);
  return `${anyDenied ? "ICMP not permitted" : "ICMP socket could not be opened"}: ${parts.join("; ")}`;
}

/** The current net.ipv4.ping_group_range, for error messages (the same range governs ICMPv6 ping sockets). */
function pingGroupRange(): string {
  try {
    return readFileSync("/proc/sys/net/ipv4/ping_group_range", "utf8").trim().replace(/\s+/, " ");
  } catch {
    return "unknown";
  }
}

function createIcmpSocket(libc: c.Libc, fd: number, family: IcmpFamily, mode: "raw" | "dgram"): IcmpSocket {
  const level = family === 4 ? c.SOL_IP : c.SOL_IPV6;
  const int = new Int32Array(1);
  const setInt = (name: number, value: number) => {
    int[0] = value;
    return libc.setsockopt(fd, level, name, ptr(int), 4) === 0;
  };
  // Ping sockets report ICMP errors (traceroute hops) only through the error queue.
  if (mode === "dgram") setInt(family === 4 ? c.IP_RECVERR : c.IPV6_RECVERR, 1);
  // Raw IPv4 gives the IP header (and its TTL) anyway; elsewhere ask for it as ancillary data.
  if (mode === "dgram" || family === 6) setInt(family === 4 ? c.IP_RECVTTL : c.IPV6_RECVHOPLIMIT, 1);

  const sockaddr = new Uint8Array(28);
  const data = new Uint8Array(2048);
  const name = new Uint8Array(28);
  const control = new Uint8Array(512);
  const iov = new DataView(new ArrayBuffer(16));
  iov.setBigUint64(0, BigInt(ptr(data)), true);
  iov.setBigUint64(8, BigInt(data.length), true);
  const msg = new DataView(new ArrayBuffer(56));
  const pollfd = new DataView(new ArrayBuffer(8));
  pollfd.setInt32(0, fd, true);
  pollfd.setInt16(4, c.POLLIN, true);
  let lastTtl: number | undefined;
  let closed = false;

  const receiveOne = (flags: number): Received | undefined | null => {
    msg.setBigUint64(0, BigInt(ptr(name)), true);
    msg.setUint32(8, name.length, true);
    msg.setBigUint64(16, BigInt(ptr(iov)), true);
    msg.setBigUint64(24, 1n, true);
    msg.setBigUint64(32, BigInt(ptr(control)), true);
    msg.setBigUint64(40, BigInt(control.length), true);
    msg.setInt32(48, 0, true);
    const n = libc.recvmsg(fd, ptr(msg), flags | c.MSG_DONTWAIT);
    const at = performance.now();
    if (n < 0) return null; // nothing (more) queued
    const cmsg = readControl(family, control, Number(msg.getBigUint64(40, true)));
    const bytes = data.subarray(0, n);
    if (flags & c.MSG_ERRQUEUE) {
      // The payload is our own request; the ancillary data says what happened to it and who said so.
      const ids = echoRequestIds(family, bytes);
      const kind = cmsg.error && errorKind(family, cmsg.error.type);
      if (!ids || !kind || !cmsg.error?.offender) return undefined;
      return { message: { kind, type: cmsg.error.type, code: cmsg.error.code, ...ids, ttl: cmsg.ttl }, from: cmsg.error.offender, at };
    }
    const message = parseIcmpMessage(family, bytes, mode === "raw" && family === 4);
    const from = readSockaddr(name, 0);
    if (!message || !from) return undefined;
    if (message.ttl === undefined && cmsg.ttl !== undefined) message.ttl = cmsg.ttl;
    return { message, from, at };
  };

  return {
    family,
    mode,
    send(packet, address, ttl) {
      if (closed) return "socket closed";
      const ip = parseIp(address);
      if (!ip || ip.family !== family) return `not an IPv${family} address: ${address}`;
      if (ttl !== undefined && ttl !== lastTtl) {
        if (!setInt(family === 4 ? c.IP_TTL : c.IPV6_UNICAST_HOPS, ttl)) return `could not set TTL ${ttl} (errno ${libc.errno()})`;
        lastTtl = ttl;
      }
      const length = writeSockaddr(sockaddr, family, ip.value);
      const sent = libc.sendto(fd, ptr(packet), packet.length, 0, ptr(sockaddr), length);
      return sent === packet.length ? undefined : `send to ${address} failed (errno ${libc.errno()})`;
    },
    async receive(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (closed) return undefined;
        for (const flags of mode === "dgram" ? [c.MSG_ERRQUEUE, 0] : [0]) {
          for (let got = receiveOne(flags); got !== null; got = receiveOne(flags)) if (got) return got;
        }
        const left = deadline - performance.now();
        if (left <= 0) return undefined;
        pollfd.setInt16(6, 0, true);
        libc.poll(ptr(pollfd), 1, Math.max(0, Math.min(POLL_SLICE_MS, Math.ceil(left))));
        if (pollfd.getInt16(6, true) === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close() {
      if (closed) return;
      closed = true;
      libc.close(fd);
    },
  };
}

function writeSockaddr(out: Uint8Array, family: IcmpFamily, value: bigint): number {
  out.fill(0);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (family === 4) {
    view.setUint16(0, c.AF_INET, true);
    view.setUint32(4, Number(value), false);
    return 16;
  }
  view.setUint16(0, c.AF_INET6, true);
  for (let i = 0; i < 16; i++) out[8 + i] = Number((value >> BigInt(8 * (15 - i))) & 0xffn);
  return 28;
}

function readSockaddr(bytes: Uint8Array, at: number): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at);
  const family = view.getUint16(0, true);
  if (family === c.AF_INET) return formatIp(4, BigInt(view.getUint32(4, false)));
  if (family !== c.AF_INET6) return undefined;
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(bytes[at + 8 + i]);
  return formatIp(6, value);
}

interface Control {
  ttl?: number;
  error?: { type: number; code: number; offender?: string };
}

/** Walks the cmsghdr list (64-bit layout: size_t len, int level, int type, data aligned to 8). */
function readControl(family: IcmpFamily, control: Uint8Array, length: number): Control {
  const out: Control = {};
  const view = new DataView(control.buffer, control.byteOffset, control.byteLength);
  for (let at = 0; at + 16 <= length; ) {
    const len = Number(view.getBigUint64(at, true));
    if (len < 16 || at + len > length) break;
    const level = view.getInt32(at + 8, true);
    const type = view.getInt32(at + 12, true);
    const data = at + 16;
    if ((level === c.SOL_IP && type === c.IP_TTL) || (level === c.SOL_IPV6 && type === c.IPV6_HOPLIMIT)) {
      out.ttl = view.getInt32(data, true);
    } else if ((level === c.SOL_IP && type === c.IP_RECVERR) || (level === c.SOL_IPV6 && type === c.IPV6_RECVERR)) {
      // struct sock_extended_err: errno u32, origin u8, type u8, code u8, pad u8, info u32, data u32; then the offender.
      const origin = control[data + 4];
      if (origin === (family === 4 ? 2 : 3)) {
        out.error = { type: control[data + 5], code: control[data + 6], offender: len >= 16 + 16 + 16 ? readSockaddr(control, data + 16) : undefined };
      }
    }
    at += (len + 7) & ~7;
  }
  return out;
}

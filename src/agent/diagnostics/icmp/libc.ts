/**
 * The handful of libc calls ICMP needs, over bun:ffi.
 *
 * Why ffi: Bun (like Node) has no raw or ping sockets, and shelling out to
 * `ping` would depend on what the customer's PC has installed. Linux only:
 * the constants and struct layouts below are Linux's (64-bit glibc or musl).
 * Everything that goes wrong while loading gives null, never a throw, so the
 * caller can answer "not supported here" instead of crashing.
 */
import { FFIType, dlopen, read } from "bun:ffi";

// <sys/socket.h>, <netinet/in.h>, <linux/icmp.h>, <poll.h>, <errno.h> on Linux.
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const IPPROTO_ICMP = 1;
export const IPPROTO_ICMPV6 = 58;
export const SOL_IP = 0;
export const SOL_IPV6 = 41;
export const IP_TTL = 2;
export const IP_RECVERR = 11;
export const IP_RECVTTL = 12;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_RECVERR = 25;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;
export const MSG_DONTWAIT = 0x40;
export const MSG_ERRQUEUE = 0x2000;
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const EPERM = 1;
export const EINTR = 4;
export const EAGAIN = 11;
export const EACCES = 13;
export const EAFNOSUPPORT = 97;

/** The C library's names on glibc and on musl. */
const LIBC_NAMES = ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

const SYMBOLS = {
  socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  sendto: {
    args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
    returns: FFIType.i64,
  },
  recvmsg: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i64 },
  poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

/** Typed views of the libc symbols we use; pointers are bun:ffi pointer numbers. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: number, length: number): number;
  sendto(fd: number, buf: number, len: number, flags: number, addr: number, addrLen: number): number;
  recvmsg(fd: number, msg: number, flags: number): number;
  poll(fds: number, nfds: number, timeoutMs: number): number;
  close(fd: number): number;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

let libc: Libc | null | undefined;

/** libc, opened once per process; null off Linux or where no libc loads. */
export function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) return null;
  for (const name of LIBC_NAMES) {
    try {
      const s = dlopen(name, SYMBOLS).symbols;
      libc = {
        socket: (d, t, p) => s.socket(d, t, p),
        setsockopt: (fd, level, opt, value, length) => s.setsockopt(fd, level, opt, value as never, length),
        sendto: (fd, buf, len, flags, addr, addrLen) =>
          Number(s.sendto(fd, buf as never, len, flags, addr as never, addrLen)),
        recvmsg: (fd, msg, flags) => Number(s.recvmsg(fd, msg as never, flags)),
        poll: (fds, nfds, timeoutMs) => s.poll(fds as never, nfds, timeoutMs),
        close: (fd) => s.close(fd),
        errno: () => {
          const at = s.__errno_location();
          return at ? read.i32(at, 0) : 0;
        },
      };
      break;
    } catch {
      // Not this libc; try the next name.
    }
  }
  return libc;
}

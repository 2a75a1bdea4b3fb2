/**
 * Turns off IP_RECVERR (and IPV6_RECVERR) on a UDP socket, so the kernel
 * drops ICMP errors for it as it does for any unconnected UDP socket by
 * default.
 *
 * Why: Bun enables IP_RECVERR on every UDP socket. A sweep sends one probe
 * to each address, and every host that is up without an SNMP agent answers
 * with ICMP port unreachable; with IP_RECVERR each of those is queued on the
 * socket, read back by Bun, turned into an Error for the socket's error
 * callback, and makes the next send fail. Measured on a /16 of loopback
 * (130k ICMP errors) that was about 4.5 s of CPU inside Bun's sendMany,
 * more than the rest of the sweep put together, for nothing we can use:
 * the error does not say which destination it was for. Without the option
 * the kernel discards them before they reach the socket.
 *
 * Bun exposes the descriptor but not setsockopt, hence one libc call over
 * bun:ffi, on Linux only (the option and its numbers are Linux's). Anything
 * that goes wrong leaves the socket as it was and returns false: the
 * transport copes with ICMP errors either way, it is only slower.
 */
import { FFIType, dlopen, ptr } from "bun:ffi";
import type { Family } from "../../common/ip-address.ts";

// <linux/in.h>, <linux/in6.h>: the same on every Linux architecture.
const SOL_IP = 0;
const IP_RECVERR = 11;
const SOL_IPV6 = 41;
const IPV6_RECVERR = 25;

/** The C library's names on glibc and on musl. */
const LIBC_NAMES = ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`];

type SetSockOpt = (fd: number, level: number, name: number, value: ReturnType<typeof ptr>, length: number) => number;

let setsockopt: SetSockOpt | null | undefined;

/** libc's setsockopt, opened once per process; null where there is none to be had. */
function loadSetSockOpt(): SetSockOpt | null {
  if (setsockopt !== undefined) return setsockopt;
  setsockopt = null;
  if (process.platform !== "linux") return null;
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, {
        setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      });
      setsockopt = lib.symbols.setsockopt as SetSockOpt;
      break;
    } catch {
      // Not this libc; try the next name.
    }
  }
  return setsockopt;
}

const OFF = new Int32Array(1);

/**
 * Asks the kernel not to report ICMP errors on the socket `fd` of `family`
 * (an IPv6 socket may also carry IPv4-mapped traffic, so both options are
 * cleared there). Returns whether it worked.
 */
export function ignoreIcmpErrors(fd: unknown, family: Family): boolean {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) return false;
  let set: SetSockOpt | null;
  try {
    set = loadSetSockOpt();
  } catch {
    return false;
  }
  if (!set) return false;
  const value = ptr(OFF);
  if (family === 6 && set(fd, SOL_IPV6, IPV6_RECVERR, value, 4) !== 0) return false;
  return set(fd, SOL_IP, IP_RECVERR, value, 4) === 0;
}

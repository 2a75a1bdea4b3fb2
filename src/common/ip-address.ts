/**
 * IPv4 and IPv6 addresses as numbers, so that ranges are arithmetic and a
 * /8 is two integers rather than sixteen million strings.
 *
 * Parsing is strict on purpose: "010.0.0.1" means 8.0.0.1 to inet_aton and
 * 10.0.0.1 to a person, so leading zeros are refused rather than guessed.
 */

/** An address family: 4 or 6. */
export type Family = 4 | 6;

/** A parsed address: the family and its value (IPv4 fits in 32 bits, IPv6 needs a bigint). */
export interface IpValue {
  family: Family;
  value: bigint;
}

const V4_OCTET = /^(0|[1-9]\d{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses a dotted quad ("10.0.0.1") to its 32-bit value, or null. */
export function parseIpv4(s: string): number | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

/** Parses an IPv6 address (RFC 4291 text forms, including a trailing dotted quad) to a bigint, or null. */
export function parseIpv6(s: string): bigint | null {
  if (s.length < 2 || s.length > 45 || s.includes("%")) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const groups: number[] = [];
  const readGroups = (list: string[], out: number[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (i === list.length - 1 && g.includes(".")) {
        const v4 = parseIpv4(g);
        if (v4 === null) return false;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (HEXTET.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return false;
      }
    }
    return true;
  };
  const tailGroups: number[] = [];
  // A dotted quad may only end the address, so it belongs to the tail when "::" is present.
  if (halves.length === 2) {
    if (head.some((g) => g.includes("."))) return null;
    if (!readGroups(head, groups) || !readGroups(tail, tailGroups)) return null;
    if (groups.length + tailGroups.length > 7) return null;
    while (groups.length + tailGroups.length < 8) groups.push(0);
  } else if (!readGroups(head, groups) || groups.length !== 8) {
    return null;
  }
  groups.push(...tailGroups);
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/**
 * Parses either family. IPv4-mapped IPv6 ("::ffff:10.0.0.1") comes back as
 * IPv4 so that it is probed, deduplicated and excluded as the IPv4 address it is.
 */
export function parseIp(s: string): IpValue | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return { family: 4, value: BigInt(v4) };
  const v6 = parseIpv6(s);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 - MAPPED_PREFIX };
  return { family: 6, value: v6 };
}

/** Formats a 32-bit value as a dotted quad. */
export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Formats a 128-bit value in RFC 5952 form (lowercase, longest zero run as "::"). */
export function formatIpv6(v: bigint): string {
  const g: number[] = new Array(8);
  for (let i = 7; i >= 0; i--) {
    g[i] = Number(v & 0xffffn);
    v >>= 16n;
  }
  let bestStart = -1;
  let bestLen = 1; // RFC 5952: a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** Formats either family. */
export function formatIp(family: Family, value: bigint): string {
  return family === 4 ? formatIpv4(Number(value)) : formatIpv6(value);
}

/**
 * Canonical key of an address as a socket reports it, for comparing the
 * source of a reply with the address that was probed; null when unparseable.
 */
export function addressKey(s: string): string | null {
  const ip = parseIp(s);
  return ip === null ? null : formatIp(ip.family, ip.value);
}

/**
 * Keeps simulator traffic on loopback: every address must be in
 * 127.0.0.0/8 or be ::1, so a typo can never aim tests at a real network.
 */

/** Throws unless `address` is an IPv4 loopback address or ::1. */
export function assertLoopback(address: string): void {
  if (address === "::1") return;
  const parts = address.split(".");
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255) && parts[0] === "127";
  if (!ok) throw new Error(`refusing address "${address}": the simulator only uses 127.0.0.0/8 or ::1`);
}

/** `count` consecutive IPv4 addresses from `base`, all inside 127.0.0.0/8. */
export function loopbackRange(base: string, count: number): string[] {
  assertLoopback(base);
  if (base === "::1") {
    if (count > 1) throw new Error("only one IPv6 loopback address (::1) exists");
    return count === 1 ? ["::1"] : [];
  }
  const start = base.split(".").reduce((n, p) => n * 256 + Number(p), 0);
  const last = start + count - 1;
  if (count > 0 && last > 0x7fffffff) throw new Error(`${count} addresses from ${base} leave 127.0.0.0/8`);
  const out: string[] = [];
  for (let n = start; n <= last; n++) out.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
  return out;
}

/** Parses `127.0.0.1:161` or `[::1]:161`. */
export function parseEndpoint(text: string): { address: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new Error(`expected ADDRESS:PORT or [::1]:PORT, got "${text}"`);
  assertLoopback(m[1]);
  return { address: m[1], port: Number(m[2]) };
}

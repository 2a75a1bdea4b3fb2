/**
 * Turns a ping or traceroute target into one IP literal and its family.
 * Literals pass through untouched (no DNS traffic for them); names go to the
 * system resolver, first answer wins, as ping does.
 */
import { lookup } from "node:dns/promises";
import { formatIp, parseIp } from "../../../common/ip-address.ts";
import type { IcmpFamily } from "./icmp-packet.ts";

/** The address to probe, or why there is none. */
export type Target = { address: string; family: IcmpFamily; error?: undefined } | { address?: undefined; error: string };

/** Resolves `host` (an IPv4/IPv6 literal or a name). */
export async function resolveTarget(host: string): Promise<Target> {
  const literal = parseIp(host.replace(/^\[(.*)\]$/, "$1"));
  if (literal) return { address: formatIp(literal.family, literal.value), family: literal.family };
  try {
    const found = await lookup(host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (e) {
    return { error: `cannot resolve ${host}: ${(e as { code?: string }).code ?? String(e)}` };
  }
}

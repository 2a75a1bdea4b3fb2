/**
 * The names a hub certificate is valid for. Agents connect by host name or
 * by address, and TLS clients only accept an address if it is an iPAddress
 * entry (never a DNS entry spelled like an address), so each name is sorted
 * into the right kind here.
 */
import { isIP } from "node:net";
import { type Der, context, ia5String, octetString, sequence } from "./der.ts";
import { DcaError } from "../../common/errors.ts";
import { formatIpv6, parseIpv4, parseIpv6 } from "../../common/ip-address.ts";

/** A hostname or address as it goes into the certificate. */
export type AltName = { kind: "dns"; name: string } | { kind: "ip"; name: string; bytes: Uint8Array };

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises the given names: lower-case DNS names, addresses in their
 * canonical text, brackets around IPv6 dropped, duplicates removed, sorted
 * (so the same set always encodes to the same bytes). Throws on a name that
 * is neither a DNS name nor an address.
 */
export function altNames(hostnames: readonly string[]): AltName[] {
  const byKey = new Map<string, AltName>();
  for (const raw of hostnames) {
    const given = raw.trim().replace(/^\[(.*)\]$/, "$1");
    if (isIP(given)) {
      const bytes = ipBytes(given);
      const name = isIP(given) === 4 ? given : formatIpv6(parseIpv6(given.replace(/%.*$/, ""))!);
      byKey.set(`ip:${name}`, { kind: "ip", name, bytes });
      continue;
    }
    const name = given.toLowerCase().replace(/\.$/, "");
    const labels = name.split(".");
    const wildcardOk = labels.length > 2 && labels[0] === "*";
    if (!labels.every((l, i) => DNS_LABEL.test(l) || (i === 0 && wildcardOk)) || name.length > 253) {
      throw new DcaError("invalid-argument", `"${raw}" is not a host name or IP address (a hub certificate name must be one)`);
    }
    byKey.set(`dns:${name}`, { kind: "dns", name });
  }
  if (byKey.size === 0) throw new DcaError("invalid-argument", "a hub certificate needs at least one host name or address");
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** GeneralNames: dNSName is [2] IA5String, iPAddress is [7] OCTET STRING (RFC 5280 4.2.1.6). */
export function encodeAltNames(names: readonly AltName[]): Der {
  return sequence(
    ...names.map((n) => (n.kind === "dns" ? context(2, ia5String(n.name), "implicit") : context(7, octetString(n.bytes), "implicit"))),
  );
}

/** The 4 or 16 bytes of an address (IPv6 with "::", a dotted IPv4 tail and a zone allowed), by the one address parser. */
export function ipBytes(address: string): Uint8Array {
  const v4 = parseIpv4(address);
  if (v4 !== null) return Uint8Array.of(v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255);
  let v6 = parseIpv6(address.replace(/%.*$/, ""));
  if (v6 === null) throw new DcaError("invalid-argument", `"${address}" is not an IP address`);
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--, v6 >>= 8n) out[i] = Number(v6 & 0xffn);
  return out;
}

/**
 * The names a hub certificate is valid for. Agents connect by host name or
 * by address, and TLS clients only accept an address if it is an iPAddress
 * entry (never a DNS entry spelled like an address), so each name is sorted
 * into the right kind here.
 */
import { isIP } from "node:net";
import { type Der, context, ia5String, octetString, sequence } from "./der.ts";
import { DcaError } from "../../common/errors.ts";

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
      const name = isIP(given) === 4 ? given : ipv6Text(bytes);
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

/** The 4 or 16 bytes of an address (IPv6 with "::" and a dotted IPv4 tail allowed). */
export function ipBytes(address: string): Uint8Array {
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split(".").map(Number));
  if (family !== 6) throw new DcaError("invalid-argument", `"${address}" is not an IP address`);
  let text = address.replace(/%.*$/, "");
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1].split(".").map(Number));
    text = text.slice(0, -v4[1].length) + "0:0";
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const words = (s: string | undefined) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(rest);
  const all = rest === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** RFC 5952 text of 16 address bytes (the longest run of zero words becomes "::"). */
function ipv6Text(bytes: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2] << 8) | bytes[i * 2 + 1]);
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/**
 * One target token ("10.0.0.0/24", "10.0.1.10-50", "[2001:db8::1]:1161",
 * "printer.example.com") parsed into an address range or a name to resolve.
 * Nothing is expanded here: a /8 stays two numbers.
 */
import { DcaError } from "./errors.ts";
import { type Family, parseIp, parseIpv4 } from "./ip-address.ts";

/** The forms a target may take, shown in every syntax error. */
export const TARGET_FORMS =
  "10.0.0.1, 10.0.0.0/24, 10.0.1.10-10.0.1.50, 10.0.1.10-50, printer.example.com, " +
  "any of these with :port (10.0.0.1:1161), 2001:db8::1, 2001:db8::/120, 2001:db8::10-2001:db8::ff, " +
  "2001:db8::10-ff, [2001:db8::1]:1161";

/** Largest IPv4 entry: a /8. */
export const MAX_IPV4_SPAN = 2 ** 24;
/** Largest IPv6 entry by default: a /112, since a /64 could never be swept. */
export const DEFAULT_MAX_IPV6_SPAN = 2 ** 16;

/** A target token that cannot be used (`invalid-argument`); names the token and says what is allowed. */
export class TargetError extends DcaError {
  override name = "TargetError";
  constructor(
    readonly token: string,
    /** What is wrong with the token, in words. */
    readonly detail: string,
  ) {
    super("invalid-argument", `bad target "${token}": ${detail}. Allowed forms: ${TARGET_FORMS}`);
  }
}

/** An inclusive address range; `port` undefined means "the default port" (or "any port" in an exclusion). */
export interface RangeSpec {
  kind: "range";
  family: Family;
  start: bigint;
  end: bigint;
  /** An IPv4 /8../30 prefix: as a target its network and broadcast addresses are left out, as an exclusion they are not. */
  subnet?: boolean;
  port?: number;
  token: string;
}

/** A host name to resolve before sweeping. */
export interface NameSpec {
  kind: "name";
  name: string;
  port?: number;
  token: string;
}

export type TargetSpec = RangeSpec | NameSpec;

export interface ParseOptions {
  /** Refuse IPv6 entries with more addresses than this (default 65,536, a /112). */
  maxIpv6Span?: number;
}

const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*\.?$/;
const NUMERIC_LOOKING = /^[\d./-]+$/;

/** Parses one token; throws TargetError naming it when it is not one of TARGET_FORMS. */
export function parseTargetSpec(raw: string, options: ParseOptions = {}): TargetSpec {
  const token = raw.trim();
  if (token === "") throw new TargetError(raw, "empty target");
  let body = token;
  let portText: string | undefined;
  if (token.startsWith("[")) {
    const close = token.indexOf("]");
    if (close < 0) throw new TargetError(token, "missing ']'");
    body = token.slice(1, close);
    const rest = token.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) throw new TargetError(token, `unexpected "${rest}" after ']'`);
      portText = rest.slice(1);
    }
    if (!body.includes(":")) throw new TargetError(token, "brackets are only for IPv6 addresses");
  } else {
    const colons = token.split(":").length - 1;
    if (colons === 1) [body, portText] = token.split(":");
  }
  const port = portText === undefined ? undefined : parsePort(token, portText);
  return { ...parseBody(token, body, options.maxIpv6Span ?? DEFAULT_MAX_IPV6_SPAN), port, token };
}

function parsePort(token: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new TargetError(token, `port "${text}" is not a number from 1 to 65535`);
  }
  return Number(text);
}

type Body = Omit<RangeSpec, "token" | "port"> | Omit<NameSpec, "token" | "port">;

function parseBody(token: string, body: string, maxV6: number): Body {
  const slash = body.indexOf("/");
  if (slash >= 0) return parseCidr(token, body.slice(0, slash), body.slice(slash + 1), maxV6);
  const single = parseIp(body);
  if (single) return { kind: "range", family: single.family, start: single.value, end: single.value };
  const dash = body.indexOf("-");
  if (dash >= 0) {
    const from = parseIp(body.slice(0, dash));
    if (from) return parseRange(token, from.family, from.value, body.slice(dash + 1), maxV6);
  }
  if (body.includes(":")) throw new TargetError(token, `"${body}" is not an IPv6 address`);
  if (NUMERIC_LOOKING.test(body)) throw new TargetError(token, `"${body}" is not an IPv4 address, range or prefix`);
  if (!HOSTNAME.test(body)) throw new TargetError(token, `"${body}" is neither an address nor a valid host name`);
  return { kind: "name", name: body.replace(/\.$/, "").toLowerCase() };
}

function parseCidr(token: string, addrText: string, lenText: string, maxV6: number): Body {
  const ip = parseIp(addrText);
  if (!ip) throw new TargetError(token, `"${addrText}" is not an address`);
  const bits = ip.family === 4 ? 32 : 128;
  // A mapped IPv6 prefix ("::ffff:10.0.0.0/120") counts its length in IPv6 bits.
  const offset = ip.family === 4 && addrText.includes(":") ? 96 : 0;
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) - offset > bits || Number(lenText) < offset) {
    throw new TargetError(token, `prefix length "/${lenText}" must be 0 to ${bits}`);
  }
  const len = Number(lenText) - offset;
  const size = 1n << BigInt(bits - len);
  const start = ip.value & ~(size - 1n) & ((1n << BigInt(bits)) - 1n);
  const end = start + size - 1n;
  checkSpan(token, ip.family, size, maxV6);
  // IPv4 subnets from /8 to /30 have a network and a broadcast address that are never hosts.
  return { kind: "range", family: ip.family, start, end, subnet: ip.family === 4 && len >= 8 && len <= 30 };
}

function parseRange(token: string, family: Family, start: bigint, toText: string, maxV6: number): Body {
  let end: bigint;
  const full = parseIp(toText);
  if (full) {
    if (full.family !== family) throw new TargetError(token, "a range cannot mix IPv4 and IPv6");
    end = full.value;
  } else if (family === 4 && /^\d{1,3}$/.test(toText) && Number(toText) <= 255 && parseIpv4(`0.0.0.${toText}`) !== null) {
    end = (start & ~0xffn) | BigInt(toText);
  } else if (family === 6 && /^[0-9a-fA-F]{1,4}$/.test(toText)) {
    end = (start & ~0xffffn) | BigInt(parseInt(toText, 16));
  } else {
    throw new TargetError(token, `range end "${toText}" is neither an address nor a last ${family === 4 ? "octet" : "group"}`);
  }
  if (end < start) throw new TargetError(token, "range ends before it starts");
  checkSpan(token, family, end - start + 1n, maxV6);
  return { kind: "range", family, start, end };
}

function checkSpan(token: string, family: Family, size: bigint, maxV6: number): void {
  if (family === 4 && size > BigInt(MAX_IPV4_SPAN)) {
    throw new TargetError(token, `${size} addresses; an IPv4 entry may cover at most a /8 (${MAX_IPV4_SPAN} addresses)`);
  }
  if (family === 6 && size > BigInt(maxV6)) {
    throw new TargetError(token, `${size} addresses; an IPv6 entry may cover at most ${maxV6} addresses (a /${128 - Math.floor(Math.log2(maxV6))})`);
  }
}

/**
 * The set of addresses a sweep may send to: include tokens, minus exclude
 * tokens, deduplicated, iterated lazily. Bad syntax throws (it is a config
 * error); a name that does not resolve is recorded and the sweep goes on.
 */
import { lookup } from "node:dns/promises";
import { countGroups, groupKey, groupTargetRanges } from "../../common/target-ranges.ts";
import { type Family, formatIpv4, formatIpv6, parseIp } from "../../common/ip-address.ts";
import { type ParseOptions, type RangeSpec, type TargetSpec, parseTargetSpec } from "../../common/target-spec.ts";

export { TargetError, TARGET_FORMS } from "../../common/target-spec.ts";

/** One address to probe. */
export interface Target {
  address: string;
  port: number;
  family: Family;
}

/** A host name that could not be turned into addresses. */
export interface TargetResolveError {
  token: string;
  name: string;
  message: string;
}

/** Resolves a host name to all its addresses (either family). */
export type Resolver = (name: string) => Promise<string[]>;

/** Consecutive addresses of one family and port, inclusive. */
export interface TargetSpan {
  family: Family;
  port: number;
  start: bigint;
  end: bigint;
}

/** The resolved, deduplicated targets; iterating yields each address once, in ascending order per port. */
export interface TargetSet extends Iterable<Target> {
  /** The same targets as spans, in iteration order (a sweep walks them without an object per address). */
  spans(): readonly TargetSpan[];
  /** Number of targets, known before iterating (for progress and ETA). */
  readonly count: number;
  /** Names that did not resolve (includes and excludes), one per name. */
  readonly errors: readonly TargetResolveError[];
  /** True when address:port is one of the targets. */
  has(address: string, port: number): boolean;
}

export interface ResolveTargetsOptions extends ParseOptions {
  /** Tokens to leave out, same syntax as the targets; without a port they exclude every port. */
  exclude?: readonly string[];
  /** Default: node:dns lookup of all addresses. */
  resolver?: Resolver;
  /** Port for tokens without one (default 161). */
  defaultPort?: number;
}

/** The default resolver: the system resolver (getaddrinfo), every address. */
export const systemResolver: Resolver = async (name) => (await lookup(name, { all: true })).map((a) => a.address);

/**
 * Parses every token first (so a typo fails before any lookup), resolves the
 * names, and returns the set. Throws TargetError for a malformed token.
 */
export async function resolveTargets(
  include: readonly string[],
  options: ResolveTargetsOptions = {},
): Promise<TargetSet> {
  const defaultPort = options.defaultPort ?? 161;
  const includes = include.map((t) => parseTargetSpec(t, options));
  const excludes = (options.exclude ?? []).map((t) => parseTargetSpec(t, options));
  const resolver = options.resolver ?? systemResolver;
  const errors: TargetResolveError[] = [];
  const [inc, exc] = await Promise.all([
    expandNames(includes, resolver, errors),
    expandNames(excludes, resolver, errors),
  ]);

  const groups = groupTargetRanges(inc, exc, defaultPort);
  const spans: TargetSpan[] = [];
  for (const g of groups.values()) for (const sp of g.ranges.spans()) spans.push({ family: g.family, port: g.port, start: sp.start, end: sp.end });

  return {
    count: countGroups(groups),
    errors,
    has(address, port) {
      const ip = parseIp(address);
      return ip !== null && (groups.get(groupKey(ip.family, port))?.ranges.has(ip.value) ?? false);
    },
    spans: () => spans,
    *[Symbol.iterator]() {
      for (const sp of spans) {
        if (sp.family === 4) {
          // Numbers rather than bigints: a /8 is 16M iterations.
          const end = Number(sp.end);
          for (let v = Number(sp.start); v <= end; v++) yield { address: formatIpv4(v), port: sp.port, family: 4 };
        } else {
          for (let v = sp.start; v <= sp.end; v++) yield { address: formatIpv6(v), port: sp.port, family: 6 };
        }
      }
    },
  };
}

async function expandNames(
  specs: readonly TargetSpec[],
  resolver: Resolver,
  errors: TargetResolveError[],
): Promise<RangeSpec[]> {
  const out: RangeSpec[] = [];
  const names = specs.filter((s) => s.kind === "name");
  const resolved = await Promise.all(
    names.map(async (s) => {
      try {
        const addrs = await resolver(s.name);
        if (addrs.length === 0) throw new Error("no addresses");
        return addrs;
      } catch (e) {
        errors.push({ token: s.token, name: s.name, message: `cannot resolve ${s.name}: ${(e as Error).message}` });
        return [];
      }
    }),
  );
  let n = 0;
  for (const s of specs) {
    if (s.kind === "range") {
      out.push(s);
      continue;
    }
    for (const a of resolved[n++]) {
      const ip = parseIp(a);
      if (ip) out.push({ kind: "range", family: ip.family, start: ip.value, end: ip.value, port: s.port, token: s.token });
      else errors.push({ token: s.token, name: s.name, message: `${s.name} resolved to "${a}", which cannot be probed` });
    }
  }
  return out;
}

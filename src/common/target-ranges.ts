/**
 * Target tokens as sets of addresses, counted without expanding them: the
 * agent sweeps these sets (src/agent/discovery/targets.ts), and the hub
 * counts them before it stores a site's targets, refusing a set larger than
 * LARGE_TARGET_SET unless told otherwise, with how long its sweep would take.
 */
import { type AddressRanges, createAddressRanges } from "./address-ranges.ts";
import type { Config } from "./config/index.ts";
import type { Family } from "./ip-address.ts";
import { type RangeSpec, parseTargetSpec } from "./target-spec.ts";

/** The addresses of one family on one port. */
export interface TargetGroup {
  family: Family;
  port: number;
  ranges: AddressRanges;
}

/** The most addresses a site's targets may cover without `--allow-large`: a /16. */
export const LARGE_TARGET_SET = 65_536;

/** The key of a group in groupTargetRanges' map. */
export const groupKey = (family: Family, port: number): string => `${family}/${port}`;

/**
 * One range set per (family, port), deduplicated, exclusions applied (an
 * exclusion without a port applies to every port). IPv4 subnets leave out
 * their network and broadcast addresses.
 */
export function groupTargetRanges(include: readonly RangeSpec[], exclude: readonly RangeSpec[], defaultPort: number): Map<string, TargetGroup> {
  const groups = new Map<string, TargetGroup>();
  for (const r of include) {
    const port = r.port ?? defaultPort;
    const key = groupKey(r.family, port);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { family: r.family, port, ranges: createAddressRanges() }));
    if (r.subnet) g.ranges.add(r.start + 1n, r.end - 1n);
    else g.ranges.add(r.start, r.end);
  }
  for (const r of exclude) {
    for (const g of groups.values()) {
      if (g.family === r.family && (r.port === undefined || r.port === g.port)) g.ranges.subtract(r.start, r.end);
    }
  }
  return groups;
}

/** Addresses in all the groups. */
export function countGroups(groups: Map<string, TargetGroup>): number {
  let count = 0n;
  for (const g of groups.values()) count += g.ranges.size();
  return Number(count);
}

/**
 * How many addresses `targets` minus `exclude` cover, before any name is
 * resolved: a host name counts as one address, and an excluded name as none.
 * Throws TargetError for a malformed token.
 */
export function countTargetAddresses(targets: readonly string[], exclude: readonly string[], defaultPort = 161): number {
  const specs = targets.map((t) => parseTargetSpec(t));
  const ranges = (list: typeof specs) => list.filter((s): s is RangeSpec => s.kind === "range");
  const names = specs.length - ranges(specs).length;
  return countGroups(groupTargetRanges(ranges(specs), ranges(exclude.map((t) => parseTargetSpec(t))), defaultPort)) + names;
}

/** The SNMP settings a sweep's length depends on. */
export interface SweepPace {
  /** Packets per second, all probes together. */
  rate: number;
  /** The sweep's wait per round (snmp.sweepTimeout), not a read's timeout. */
  timeoutMs: number;
  retries: number;
  /** Packets a silent address is sent, all rounds together. */
  packetsPerSilentAddress: number;
}

/**
 * The pace of a discovery with `config`, as the agent probes
 * (src/agent/discovery/probe-rounds.ts): the versions v2c, v1 (and v3
 * discovery with a v3 credential) take turns by round, each community
 * asked in its version's round; with fewer rounds than versions, every
 * round asks them all.
 */
export function sweepPaceOf(config: Config): SweepPace {
  const communities = Math.max(1, config.credentials.filter((c) => c.version !== "v3").length);
  const perVersion = [communities, communities];
  if (config.credentials.some((c) => c.version === "v3")) perVersion.push(1);
  const rounds = config.snmp.retries + 1;
  let packets = 0;
  for (let r = 0; r < rounds; r++) packets += rounds < perVersion.length ? perVersion.reduce((x, y) => x + y, 0) : perVersion[r % perVersion.length]!;
  return { rate: config.snmp.rate, timeoutMs: config.snmp.sweepTimeout, retries: config.snmp.retries, packetsPerSilentAddress: packets };
}

/**
 * How long one sweep of `addresses` takes at `pace`, when (as on most
 * networks) nearly all of them are silent: every probe is sent and resent,
 * at the packet rate, and the last ones wait out their timeouts.
 */
export function estimateSweepMs(addresses: number, pace: SweepPace): number {
  return Math.ceil((addresses * pace.packetsPerSilentAddress * 1000) / pace.rate) + pace.timeoutMs * (pace.retries + 1);
}

/** A sweep's length for people: "40 s", "14 min", "3.7 h". */
export function formatSweepTime(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${Math.ceil(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { traceroute } from "./traceroute.ts";
import { type NetnsChain, createNetnsChain } from "./testdata/netns-chain.ts";

const RUN = join(import.meta.dir, "testdata", "run-icmp.ts");
const isRoot = process.getuid?.() === 0;

describe("traceroute on loopback", () => {
  test.skipIf(!isRoot)("reaches 127.0.0.1 at the first hop", async () => {
    const result = await traceroute("127.0.0.1", { maxHops: 5, timeoutMs: 500 });
    expect(result.error).toBeUndefined();
    expect(result.mode).toBe("raw");
    expect(result.reached).toBe(true);
    expect(result.hops).toHaveLength(1);
    expect(result.hops[0].address).toBe("127.0.0.1");
    expect(result.hops[0].rttMs).toHaveLength(3);
  });

  test("rejects nonsense options without opening a socket", async () => {
    expect((await traceroute("127.0.0.1", { maxHops: 0 })).error).toContain("maxHops");
    expect((await traceroute("127.0.0.1", { probesPerHop: 11 })).error).toContain("probesPerHop");
  });
});

let chain: NetnsChain | undefined;
if (isRoot) {
  const built = createNetnsChain();
  if (typeof built === "string") console.log(`skipping multi-hop traceroute tests: cannot build namespaces (${built})`);
  else chain = built;
} else console.log("skipping multi-hop traceroute tests: building network namespaces needs root");

afterAll(() => chain?.remove());

/** Runs ping or traceroute in the chain's source namespace and returns the parsed JSON result. */
function inSource(command: "ping" | "traceroute", host: string, opts: object) {
  const r = chain!.exec([process.execPath, RUN, command, host, JSON.stringify(opts)]);
  if (r.status !== 0) throw new Error(`run-icmp exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.skipIf(!chain)("traceroute through namespaces a - r1 - r2 - d", () => {
  for (const mode of ["raw", "dgram"] as const) {
    test(`lists each router in order and reaches d (${mode} socket)`, () => {
      if (mode === "dgram") {
        // Only inside the test's own namespace: the host's setting is left alone.
        const set = chain!.exec(["sysctl", "-qw", "net.ipv4.ping_group_range=0 0"]);
        expect(set.status).toBe(0);
      }
      const result = inSource("traceroute", chain!.destination, { mode, timeoutMs: 1000, probesPerHop: 2, maxHops: 8 });
      expect(result.error).toBeUndefined();
      expect(result.mode).toBe(mode);
      expect(result.reached).toBe(true);
      expect(result.hops.map((h: { address?: string }) => h.address)).toEqual(chain!.hops);
      expect(result.hops.map((h: { ttl: number }) => h.ttl)).toEqual([1, 2, 3]);
      for (const hop of result.hops) {
        expect(hop.rttMs).toHaveLength(2);
        for (const rtt of hop.rttMs) expect(rtt).toBeGreaterThan(0);
      }
    });
  }

  test("stops at a router that has no route, with its unreachable code", () => {
    const result = inSource("traceroute", "10.250.9.9", { mode: "raw", timeoutMs: 1000, probesPerHop: 1, maxHops: 8 });
    expect(result.reached).toBe(false);
    expect(result.hops).toHaveLength(1);
    expect(result.hops[0].address).toBe("10.250.1.2");
    expect(result.hops[0].unreachableCode).toBe(0); // net unreachable
  });

  test("ping crosses two routers, and a TTL of 2 does not get there", () => {
    const through = inSource("ping", chain!.destination, { count: 3, intervalMs: 50, mode: "raw" });
    expect(through.received).toBe(3);
    expect(through.replies.map((r: { ttl: number }) => r.ttl)).toEqual([62, 62, 62]); // 64 minus two routers
    const short = inSource("ping", chain!.destination, { count: 2, intervalMs: 50, timeoutMs: 300, ttl: 2, mode: "raw" });
    expect(short.sent).toBe(2);
    expect(short.received).toBe(0);
    expect(short.lossPercent).toBe(100);
  });
});

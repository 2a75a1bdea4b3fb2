import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { AgentConfigSchema } from "../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../gen/dca/v1/reading_pb.ts";
import { configFromProto } from "./config/index.ts";
import { countTargetAddresses, estimateSweepMs, formatSweepTime, sweepPaceOf } from "./target-ranges.ts";
import { TargetError } from "./target-spec.ts";

describe("counting target addresses", () => {
  test.each([
    ["a /24 without network and broadcast", ["10.0.0.0/24"], [], 254],
    ["overlaps count once", ["10.0.0.0/24", "10.0.0.10-20", "10.0.0.5"], [], 254],
    ["exclusions come off", ["10.0.0.0/16"], ["10.0.1.0/24", "10.0.2.7"], 65_534 - 256 - 1],
    ["another port is another set", ["10.0.0.1", "10.0.0.1:1161"], [], 2],
    ["an exclusion on one port leaves the other", ["10.0.0.1", "10.0.0.1:1161"], ["10.0.0.1:1161"], 1],
    ["a host name counts as one; an excluded name as none", ["printer.example.com", "10.0.0.1"], ["other.example.com"], 2],
    ["a /8", ["10.0.0.0/8"], [], 2 ** 24 - 2],
    ["IPv6 and IPv4 apart", ["2001:db8::/120", "10.0.0.0/30"], [], 256 + 2],
  ] as const)("%s", (_name, targets, exclude, expected) => {
    expect(countTargetAddresses(targets, exclude)).toBe(expected);
  });

  test("a malformed token is a TargetError naming it", () => {
    expect(() => countTargetAddresses(["10.0.0.0/33"], [])).toThrow(TargetError);
  });
});

describe("how long a sweep takes", () => {
  test("every probe sent and resent at the packet rate, then the last timeouts", () => {
    expect(estimateSweepMs(65_536, { rate: 20_000, timeoutMs: 2_000, retries: 1, packetsPerSilentAddress: 2 })).toBe(Math.ceil((65_536 * 2 * 1000) / 20_000) + 4_000);
  });

  test("the site's pace: versions take turns by round, each community in its version's round; defaults where unset", () => {
    const config = configFromProto(
      create(AgentConfigSchema, {
        version: 1n,
        snmp: { rate: 5_000 },
        credentials: [
          { name: "a", version: SnmpVersion.V2C, community: "one" },
          { name: "b", version: SnmpVersion.V2C, community: "two" },
          { name: "c", version: SnmpVersion.V3, user: "ops" },
        ],
      }),
    );
    // Two rounds, three versions: every round asks all (2 communities x v2c and v1, and v3).
    // The wait per round is the sweep's own (snmp.sweepTimeout, 1 s), not a read's timeout.
    expect(sweepPaceOf(config)).toEqual({ rate: 5_000, timeoutMs: 1_000, retries: 1, packetsPerSilentAddress: 10 });
    // The defaults: one community, v2c in round 0 and v1 in round 1.
    expect(sweepPaceOf(configFromProto(create(AgentConfigSchema, { version: 1n }))).packetsPerSilentAddress).toBe(2);
    // Three rounds: v2c, v1, v2c.
    const three = configFromProto(create(AgentConfigSchema, { version: 1n, snmp: { retries: 2 }, credentials: [{ name: "a", version: SnmpVersion.V2C, community: "x" }, { name: "b", version: SnmpVersion.V2C, community: "y" }] }));
    expect(sweepPaceOf(three).packetsPerSilentAddress).toBe(6);
  });

  test.each([
    [45_200, "46 s"],
    [14 * 60_000, "14 min"],
    [3.74 * 3_600_000, "3.7 h"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatSweepTime(ms)).toBe(text);
  });
});

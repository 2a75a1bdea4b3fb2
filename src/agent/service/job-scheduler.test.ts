import { afterEach, describe, expect, test } from "bun:test";
import { DcaError } from "../../common/errors.ts";
import { serviceConfigFromHub, targetsKey } from "./config-from-hub.ts";
import { dueJob } from "./job-scheduler.ts";
import type { JobContext } from "./jobs.ts";
import { SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import type { RuntimeState } from "./runtime-state.ts";
import { deferred, pollAnswer } from "./testdata/fake-hub.ts";
import { type TestAgent, advanceUntil, hubConfig, startTestAgent } from "./testdata/test-agent.ts";

const HOUR = 3600_000;
const NOW = Date.parse("2026-03-01T08:00:00Z");
const config = serviceConfigFromHub(hubConfig({ discoveryIntervalSeconds: 8 * 3600, readIntervalSeconds: 3600 }));
const swept = (over: Partial<RuntimeState> = {}): RuntimeState => ({
  discoveredVersion: targetsKey(config.config),
  lastDiscoveryAt: NOW - HOUR,
  lastReadAt: NOW - 10 * 60_000,
  devices: [{ address: "127.0.0.1", lastSeenAt: NOW - HOUR }],
  ...over,
});

describe("which job is due", () => {
  test.each([
    ["never swept", { discoveredVersion: undefined, lastDiscoveryAt: undefined, lastReadAt: undefined, devices: [] }, "discovery"],
    ["targets changed since the last sweep", { discoveredVersion: "old" }, "discovery"],
    ["discovery interval passed", { lastDiscoveryAt: NOW - 8 * HOUR }, "discovery"],
    ["read interval passed", { lastReadAt: NOW - HOUR }, "reads"],
    ["both passed: discovery reads everything anyway", { lastDiscoveryAt: NOW - 9 * HOUR, lastReadAt: NOW - 2 * HOUR }, "discovery"],
    ["nothing passed", {}, undefined],
    ["no known printers to read", { lastReadAt: NOW - 2 * HOUR, devices: [] }, undefined],
  ] as const)("%s", (_name, over, expected) => {
    expect(dueJob(config, swept(over as Partial<RuntimeState>), NOW)).toBe(expected);
  });

  test("without targets, no discovery", () => {
    const none = serviceConfigFromHub(hubConfig({ targets: [] }));
    expect(dueJob(none, { devices: [] }, NOW)).toBeUndefined();
  });
});

describe("scheduled jobs in the service", () => {
  let t: TestAgent | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  test("one at a time: reads wait for a discovery under way; each is recorded when it ends", async () => {
    const sweep = deferred();
    const runs: string[] = [];
    t = startTestAgent({
      runners: {
        discovery: async (ctx) => {
          runs.push("discovery");
          ctx.state.devices.push({ address: "127.0.0.1", lastSeenAt: ctx.clock.now() });
          await sweep.promise;
        },
        reads: async () => {
          runs.push("reads");
        },
      },
    });
    const { clock, hub } = t;
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig({ readIntervalSeconds: 60 }) : undefined });
    await clock.advance(5 * 60_000);
    expect(runs).toEqual(["discovery"]);
    sweep.resolve();
    await clock.advance(1_000);
    const state = t.runtime.load();
    expect(state.lastDiscoveryAt).toBe(clock.now() - 1_000);
    expect(state.lastReadAt).toBe(state.lastDiscoveryAt);
    await advanceUntil(clock, () => runs.length === 3);
    expect(runs).toEqual(["discovery", "reads", "reads"]);
    expect(t.runtime.load().lastReadAt! - state.lastReadAt!).toBe(120_000);
    // The poll tells the hub when discovery and reads last ran.
    await advanceUntil(clock, () => hub.polls.at(-1)!.req.lastRead !== undefined);
  });

  test("a failed job is logged and reported on the next poll, and tried again", async () => {
    let n = 0;
    t = startTestAgent({
      runners: {
        discovery: async () => {
          if (++n === 1) throw new DcaError("unavailable", "no route to 127.0.0.1");
        },
      },
    });
    t.hub.onPoll = (_req, i) => pollAnswer({ config: i === 1 ? hubConfig() : undefined });
    await advanceUntil(t.clock, () => t!.hub.polls.length === 2);
    expect(t.lines.find((l) => l.startsWith("discovery failed"))).toMatch(/^discovery failed: no route to 127\.0\.0\.1; it runs again in \d+s or with the next config$/);
    expect(t.hub.polls[1]!.req.lastError).toBe("discovery failed: no route to 127.0.0.1");
    expect(n).toBe(2);
    expect(t.lines).toContain("discovery works again (after 1 failed run)");
  });

  test("a job that keeps failing runs once per wait (30 s, 60 s...), logs its cause once, and a new config tries at once", async () => {
    const runs: number[] = [];
    const disk = "cannot write /state/runtime.json: ENOSPC: no space left on device; the disk is full; free some space and try again";
    t = startTestAgent({
      random: () => 1,
      runners: {
        discovery: async (ctx) => {
          runs.push(ctx.clock.now());
          if (runs.length <= 3) throw new DcaError("resource-exhausted", disk);
        },
      },
    });
    const { clock, hub, lines } = t;
    // Config version 2 comes with the 4th poll, before the 4th run's wait (120 s) is over.
    let v2At = 0;
    hub.onPoll = (_req, i) => {
      if (i === 4) v2At = clock.now();
      return pollAnswer({ config: i === 1 ? hubConfig() : i === 4 ? hubConfig({ version: 2n }) : undefined });
    };
    await advanceUntil(clock, () => runs.length === 3);
    const gaps = runs.slice(1).map((at, i) => at - runs[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(30_000);
    expect(gaps[0]).toBeLessThan(36_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(60_000);
    expect(gaps[1]).toBeLessThan(66_000);
    expect(lines.filter((l) => l.startsWith("discovery failed"))).toEqual([`discovery failed: ${disk}; it runs again in 30s or with the next config`]);
    // The next wait is 120 s, but config version 2 arrives first and the job runs with it at once.
    await advanceUntil(clock, () => runs.length === 4);
    expect(runs[3]! - runs[2]!).toBeLessThan(120_000);
    expect(runs[3]! - v2At).toBeLessThan(2_000);
    expect(lines).toContain("discovery works again (after 3 failed runs)");
  });

  /** A discovery runner that runs until its signal says stop, and records what it was given. */
  const abortableDiscovery = (passes: { targets: string[]; credentials: number; aborted: boolean }[]) => async (ctx: JobContext) => {
    const pass = { targets: [...ctx.config.config.scan.targets], credentials: ctx.config.config.credentials.length, aborted: false };
    passes.push(pass);
    await new Promise<void>((resolve) => ctx.signal?.addEventListener("abort", () => resolve(), { once: true }));
    pass.aborted = true;
  };

  test("new targets, or new credentials, cancel the discovery under way and start the new one; the log says so", async () => {
    const passes: { targets: string[]; credentials: number; aborted: boolean }[] = [];
    t = startTestAgent({ runners: { discovery: abortableDiscovery(passes) } });
    const { clock, hub, lines } = t;
    const community = (name: string) => ({ name, version: SnmpVersion.V2C, community: `${name}-secret` });
    hub.onPoll = (_req, n) =>
      pollAnswer({
        config:
          n === 1 ? hubConfig({ targets: ["127.0.0.0/24"] })
          : n === 2 ? hubConfig({ version: 2n, targets: ["127.0.1.0/24"] })
          : n === 3 ? hubConfig({ version: 3n, targets: ["127.0.1.0/24"], pollIntervalSeconds: 120 })
          : n === 4 ? hubConfig({ version: 4n, targets: ["127.0.1.0/24"], credentials: [community("office"), community("shop")] })
          : undefined,
      });
    await advanceUntil(clock, () => hub.polls.length === 2 && passes.length === 2);
    // Without credentials, the default one.
    expect(passes[0]).toEqual({ targets: ["127.0.0.0/24"], credentials: 1, aborted: true });
    expect(lines).toContain("config version 2 changed the targets or credentials: the discovery under way is cancelled and starts again with them");
    // Only the schedule changed: the pass goes on.
    await advanceUntil(clock, () => hub.polls.length === 3);
    await clock.advance(1_000);
    expect(passes.map((p) => p.aborted)).toEqual([true, false]);
    // The same targets with another credential: cancelled and started again, although the targets' sweep is not due.
    await advanceUntil(clock, () => passes.length === 3);
    expect(passes[1]!.aborted).toBe(true);
    expect(passes[2]).toEqual({ targets: ["127.0.1.0/24"], credentials: 2, aborted: false });
    expect(lines.filter((l) => l.includes("is cancelled")).length).toBe(2);
    expect(lines.join("\n")).not.toContain("office-secret");
    // None of the cancelled passes was recorded as done.
    expect(t.runtime.load().lastDiscoveryAt).toBeUndefined();
  });

  test("stopping the service cancels the job under way", async () => {
    const passes: { targets: string[]; credentials: number; aborted: boolean }[] = [];
    t = startTestAgent({ runners: { discovery: abortableDiscovery(passes) } });
    t.hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig() : undefined });
    await advanceUntil(t.clock, () => passes.length === 1);
    await t.agent.stop();
    expect(passes[0]!.aborted).toBe(true);
  });
});

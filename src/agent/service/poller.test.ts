/**
 * The poll schedule, driven through runAgent on the manual clock with a
 * fake hub: the interval and its jitter, backoff and its reset, nudges,
 * and the config applied as a whole.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { type TestAgent, advanceUntil, gaps, hubConfig, startTestAgent } from "./testdata/test-agent.ts";
import { deferred, pollAnswer, unavailable } from "./testdata/fake-hub.ts";

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A random source that returns `xs` in turn, again and again. */
const cycle = (xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

describe("poll schedule", () => {
  test("the first poll goes at once; then the hub's interval, give or take 10 %", async () => {
    const rs = [0, 1, 0.5, 0.25];
    t = startTestAgent({ random: cycle(rs) });
    const { clock, hub } = t;
    await clock.settle();
    expect(hub.polls).toHaveLength(1);
    expect(hub.polls[0]!.at).toBe(clock.now());
    await advanceUntil(clock, () => hub.polls.length === 5);
    // withJitter(60 s, 10 %) with each random value in turn.
    expect(gaps(hub.polls)).toEqual(rs.map((r) => Math.round(60_000 * (0.9 + 0.2 * r))));
    expect(Math.min(...gaps(hub.polls))).toBe(54_000);
    expect(Math.max(...gaps(hub.polls))).toBe(66_000);
  });

  test("without an interval from the hub, the config's; without a config, 5 minutes", async () => {
    t = startTestAgent({ random: () => 0.5 });
    const { clock, hub } = t;
    hub.onPoll = (_req, n) => pollAnswer({ nextPollSeconds: 0, config: n === 2 ? hubConfig({ pollIntervalSeconds: 120 }) : undefined });
    await advanceUntil(clock, () => hub.polls.length === 3);
    expect(gaps(hub.polls)).toEqual([300_000, 120_000]);
  });

  test("failures back off from the base, doubling to the cap, logged on the 1st, 2nd, 4th... failure; a success resets the count", async () => {
    // random 1: the full backoff value, so the waits are exact.
    t = startTestAgent({ random: () => 1, backoffBaseMs: 5_000, backoffCapMs: 60_000 });
    const { clock, hub, lines } = t;
    hub.onPoll = (_req, n) => {
      if (n <= 7 || n === 9 || n === 10) throw unavailable();
      return pollAnswer({ nextPollSeconds: 300 });
    };
    await advanceUntil(clock, () => hub.polls.length === 11);
    expect(gaps(hub.polls)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 330_000, 5_000, 10_000]);
    expect(lines.filter((l) => l.startsWith("poll failed:")).map((l) => /retrying in (\d+) s$/.exec(l)?.[1])).toEqual(
      ["5", "10", "40", "5", "10"],
    );
    expect(lines).toContain("the hub answers again after 7 failed polls");
    // The next poll tells the hub what went wrong.
    expect(hub.polls[1]!.req.lastError).toStartWith("poll failed: ");
  });

  test("a refused credential says how to re-activate", async () => {
    t = startTestAgent();
    t.hub.onPoll = () => {
      throw new ConnectError("agent disabled", Code.Unauthenticated);
    };
    await t.clock.settle();
    expect(t.lines).toContain("the hub refuses this agent's credential (agent disabled or replaced?); re-activate with: dca activate --force; retrying in 1 s");
  });

  test("a nudge during a poll makes exactly one more poll right after it", async () => {
    t = startTestAgent();
    const { clock, hub, agent } = t;
    const held = deferred();
    hub.onPoll = async (_req, n) => {
      if (n === 1) await held.promise;
      return pollAnswer();
    };
    await clock.settle();
    expect(hub.polls).toHaveLength(1);
    agent.wake();
    agent.wake();
    await clock.advance(5_000);
    expect(hub.polls).toHaveLength(1);
    held.resolve();
    await clock.advance(10);
    expect(hub.polls).toHaveLength(2);
    // Then the schedule again: nothing before the interval.
    await clock.advance(59_000);
    expect(hub.polls).toHaveLength(2);
    // A nudge between polls: one poll at once.
    agent.wake();
    await clock.settle();
    expect(hub.polls).toHaveLength(3);
    await clock.advance(59_000);
    expect(hub.polls).toHaveLength(3);
  });

  test("a refused config keeps the one in force and says why on the next poll", async () => {
    t = startTestAgent();
    const { clock, hub, lines } = t;
    const bad = hubConfig({ version: 2n, targets: ["not a target!"] });
    hub.onPoll = (_req, n) => pollAnswer({ config: n === 1 ? hubConfig() : n === 2 ? bad : undefined });
    await advanceUntil(clock, () => hub.polls.length === 3);
    expect(lines[0]).toBe("config version 1 applied (1 target, 1 credential)");
    expect(lines[1]).toStartWith("config version 2 refused: ");
    expect(hub.polls[2]!.req.configVersion).toBe(1n);
    expect(hub.polls[2]!.req.lastError).toBe(lines[1]!);
    expect(t.runtime.loadConfig()?.version).toBe(1n);
  });
});

/**
 * The compact sweep on a manual clock and the fake network: request ids
 * that name a slot, versions taking turns by round, the sweep's own wait
 * per round, new targets and retries taking turns, slot reuse, the
 * in-flight bound on a /12 and a /8, cancel, IPv6.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { decodeCommunityMessage } from "../snmp/message.ts";
import { type ManualClock, manualClock } from "../../../test/support/manual-clock.ts";
import { simAnswer } from "../../../test/support/sim-devices.ts";
import { type FakeNetwork, createFakeNetwork } from "./testdata/fake-network.ts";
import { type ProbeAnswer, type Prober, type ProberOptions, createProber, inFlightBound } from "./prober.ts";
import { resolveTargets } from "./targets.ts";

const HP = simAnswer("hpLaserJet");
const V1_ONLY = simAnswer("kyocera", { v1Only: true });
const probers: Prober[] = [];
afterEach(() => probers.splice(0).forEach((p) => p.close()));

function setup(options: ProberOptions = {}): { net: FakeNetwork; clock: ManualClock; prober: Prober } {
  const net = createFakeNetwork();
  const clock = manualClock();
  const prober = createProber({ timeoutMs: 100, retries: 1, rate: 100_000, socketFactory: net.factory, clock, ...options });
  probers.push(prober);
  return { net, clock, prober };
}

/** Collects answers in the background; `done` tells whether the iteration ended. */
function drain(it: AsyncIterable<ProbeAnswer>) {
  const state = { answers: [] as ProbeAnswer[], done: false };
  void (async () => {
    for await (const a of it) state.answers.push(a);
    state.done = true;
  })();
  return state;
}

const header = (bytes: Uint8Array) => {
  const m = decodeCommunityMessage(bytes);
  return { version: m.version, id: m.pdu.requestId };
};

describe("sweep (manual clock)", () => {
  test("versions take turns: v2c first, v1 on the retry, under the same request id", async () => {
    const { net, clock, prober } = setup();
    const run = drain(prober.sweep(await resolveTargets(["127.77.20.1"])));
    await clock.advance(1);
    expect(net.sent.map((d) => header(d.bytes).version)).toEqual([1]);
    await clock.advance(100);
    expect(net.sent.map((d) => header(d.bytes).version)).toEqual([1, 0]);
    expect(header(net.sent[1].bytes).id).toBe(header(net.sent[0].bytes).id);
    await clock.advance(100);
    expect(run.done).toBe(true);
    expect(net.sent).toHaveLength(2);
    expect(prober.counters().retransmits).toBe(1);
  });

  test("with no retry, both versions go in the one round", async () => {
    const { net, clock, prober } = setup({ retries: 0 });
    const run = drain(prober.sweep(await resolveTargets(["127.77.20.1"])));
    await clock.advance(101);
    expect(net.sent.map((d) => header(d.bytes).version).sort()).toEqual([0, 1]);
    expect(run.done).toBe(true);
  });

  test("a late answer to round 0 that arrives after round 1 went out still counts, as v2c", async () => {
    const { net, clock, prober } = setup();
    const run = drain(prober.sweep(await resolveTargets(["127.77.20.2"])));
    await clock.advance(150);
    expect(net.sent).toHaveLength(2);
    net.inject(4, HP(net.sent[0].bytes)!, "127.77.20.2", 161);
    await clock.advance(1);
    expect(run.done).toBe(true);
    expect(run.answers.map((a) => [a.address, a.version, a.rttMs])).toEqual([["127.77.20.2", "v2c", 50]]);
  });

  test("rounds wait the sweep's own timeout: 1 s rounds find a printer answering after 1.5 s and a v1-only one; requests wait theirs", async () => {
    // The defaults: reads (and classification requests) 2 s, the sweep's rounds 1 s.
    const { net, clock, prober } = setup({ timeoutMs: 2000, sweepTimeoutMs: 1000 });
    // .1 wakes up slowly (answers round 0 after 1.5 s), .2 answers only SNMPv1, .3 is silent.
    const run = drain(prober.sweep(await resolveTargets(["127.77.23.1-3"])));
    await clock.advance(1);
    expect(net.sent.map((d) => header(d.bytes).version)).toEqual([1, 1, 1]);
    expect(V1_ONLY(net.sent[1].bytes)).toBeUndefined();
    // Round 1 (v1) goes out after the sweep's 1 s, not the requests' 2 s.
    await clock.advance(1000);
    expect(net.sent.slice(3).map((d) => [d.address, header(d.bytes).version])).toEqual([
      ["127.77.23.1", 0],
      ["127.77.23.2", 0],
      ["127.77.23.3", 0],
    ]);
    net.inject(4, V1_ONLY(net.sent[4].bytes)!, "127.77.23.2", 161);
    await clock.advance(499);
    net.inject(4, HP(net.sent[0].bytes)!, "127.77.23.1", 161);
    await clock.advance(1);
    expect(run.done).toBe(false);
    // The silent address is given up on one wait after its last packet: 2 s after its first.
    await clock.advance(497);
    expect(run.done).toBe(false);
    await clock.advance(2);
    expect(run.done).toBe(true);
    expect(run.answers.map((a) => [a.address, a.version, a.rttMs])).toEqual([
      ["127.77.23.2", "v1", 1],
      // The RTT counts from the last packet sent to it (round 1's).
      ["127.77.23.1", "v2c", 500],
    ]);
    expect(net.sent).toHaveLength(6);
    // A request to a device that answered resends after the requests' 2 s.
    const asked = prober.request("127.77.23.1", 161, "public", "v2c", ["1.3.6.1.2.1.1.5.0"]).catch((e: Error) => e);
    await clock.advance(1);
    expect(net.sent).toHaveLength(7);
    await clock.advance(1500);
    expect(net.sent).toHaveLength(7);
    await clock.advance(500);
    expect(net.sent).toHaveLength(8);
    await clock.advance(2000);
    expect(String(await asked)).toContain("no answer from 127.77.23.1:161");
  });

  test("new targets and due retries take turns: neither starves the other while both are waiting", async () => {
    // 4,094 silent addresses at 10,000 packets/s: round 0 alone takes 409 ms, and retries fall
    // due from 100 ms on, at the rate their first packets went out: both queues stay full.
    const { net, clock, prober } = setup({ rate: 10_000, timeoutMs: 100 });
    const run = drain(prober.sweep(await resolveTargets(["127.64.0.0/20"])));
    await clock.advance(110);
    // Round 0 asks v2c (1), the retry v1 (0). In every 20 ms (about 200 packets), half each:
    // retries first would send only retries for a while and then only new targets (turn by
    // turn of 100 ms), new targets first would send no retry until every target had gone out.
    for (let t = 110; t < 390; t += 20) {
      const from = net.sent.length;
      await clock.advance(20);
      const versions = net.sent.slice(from).map((d) => header(d.bytes).version);
      expect(versions.length).toBeGreaterThan(150);
      const share = versions.filter((v) => v === 0).length / versions.length;
      expect([t, share > 0.4 && share < 0.6]).toEqual([t, true]);
    }
    await clock.advance(1000);
    expect(run.done).toBe(true);
    expect(net.sent).toHaveLength(4094 * 2);
  });

  test("a slot freed by an answer is reused; a duplicate of the old answer then matches nothing", async () => {
    const { net, clock, prober } = setup({ window: 1, versions: ["v2c"] });
    const run = drain(prober.sweep(await resolveTargets(["127.77.21.1-2"])));
    await clock.advance(1);
    expect(net.sent.map((d) => d.address)).toEqual(["127.77.21.1"]);
    const reply = HP(net.sent[0].bytes)!;
    net.inject(4, reply, "127.77.21.1", 161);
    await clock.advance(1);
    // The second target took the same slot, under a new id.
    expect(net.sent.map((d) => d.address)).toEqual(["127.77.21.1", "127.77.21.2"]);
    expect(header(net.sent[1].bytes).id).not.toBe(header(net.sent[0].bytes).id);
    net.inject(4, reply, "127.77.21.1", 161);
    await clock.advance(300);
    expect(run.done).toBe(true);
    expect(run.answers.map((a) => a.address)).toEqual(["127.77.21.1"]);
    expect(prober.counters()).toMatchObject({ matched: 1, unknownId: 1 });
  });

  test("a /12 with a window of 64: never more in flight, and targets are pulled only as slots free", async () => {
    const { net, clock, prober } = setup({ window: 64, retries: 0, versions: ["v2c"], timeoutMs: 10 });
    const targets = await resolveTargets(["127.64.0.0/12"]);
    const sweep = prober.sweep(targets);
    const run = drain(sweep);
    let most = 0;
    for (let t = 0; t < 200; t += 5) {
      await clock.advance(5);
      const p = sweep.progress();
      most = Math.max(most, p.inFlight);
      // Every address sent to is finished or in flight: none waits in memory.
      expect(new Set(net.sent.map((d) => d.address)).size).toBe(p.probed + p.inFlight);
    }
    expect(most).toBe(64);
    expect(sweep.progress()).toMatchObject({ total: 1_048_574, inFlight: 64 });
    expect(sweep.progress().probed).toBeGreaterThan(1000);
    sweep.cancel();
    await clock.settle();
    expect(run.done).toBe(true);
  });

  test("without a window, the in-flight bound follows rate x timeout x rounds, however large the sweep", async () => {
    const { clock, prober } = setup({ rate: 20_000, timeoutMs: 50, retries: 1 });
    const sweep = prober.sweep(await resolveTargets(["127.0.0.0/8"]));
    const bound = inFlightBound(20_000, 50, 1);
    expect(bound).toBe(2756);
    let most = 0;
    for (let t = 0; t < 400; t += 5) {
      await clock.advance(5);
      most = Math.max(most, sweep.progress().inFlight);
    }
    // The rate, not the window, set the pace: 400 ms at 20,000/s is 8,000 packets.
    expect(most).toBeLessThanOrEqual(bound);
    expect(prober.counters().sent).toBeGreaterThan(7000);
    sweep.cancel();
  });

  test("cancel in the middle of a /8 stops sending at once and ends the iteration", async () => {
    const { net, clock, prober } = setup();
    const sweep = prober.sweep(await resolveTargets(["127.0.0.0/8"]));
    const run = drain(sweep);
    await clock.advance(50);
    expect(net.sent.length).toBeGreaterThan(1000);
    sweep.cancel();
    const sent = net.sent.length;
    await clock.advance(1000);
    expect(net.sent.length).toBe(sent);
    expect(run.done).toBe(true);
    expect(sweep.progress().inFlight).toBe(0);
    // The prober is free for another sweep.
    const again = drain(prober.sweep(await resolveTargets(["127.0.0.1"])));
    await clock.advance(300);
    expect(again.done).toBe(true);
  });

  test("IPv4 and IPv6 targets in one sweep; an IPv6 answer matches in any spelling of its address", async () => {
    const net = createFakeNetwork((d) => {
      const reply = HP(d.bytes);
      if (!reply) return;
      return [{ bytes: reply, address: d.address === "::1" ? "0:0:0:0:0:0:0:1" : d.address, port: d.port }];
    });
    const prober = createProber({ timeoutMs: 200, retries: 0, versions: ["v2c"], socketFactory: net.factory });
    probers.push(prober);
    const answers: string[] = [];
    for await (const a of prober.sweep(await resolveTargets(["127.77.22.1", "::1"]))) answers.push(a.address);
    expect(answers.sort()).toEqual(["127.77.22.1", "::1"]);
    expect(new Set(net.sent.map((d) => d.family))).toEqual(new Set([4, 6]));
  });
});

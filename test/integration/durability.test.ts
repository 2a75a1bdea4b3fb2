/**
 * No reading is ever lost or duplicated between the agent's outbox and the
 * hub, whatever dies when: real `dca run` and `dca-hub serve` processes on
 * loopback, a simulated printer fleet in this process, kill -9 at random
 * moments. The outbox gives every stored reading the next seq (1, 2, 3...,
 * never reused), so "every reading arrived exactly once" is "the hub holds
 * each seq 1..N of this agent once", N being the outbox's last seq.
 *
 * DCA_BIN / DCA_HUB_BIN select compiled binaries (see service-peers.ts).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { openOutbox } from "../../src/agent/outbox/index.ts";
import { sampleReading } from "../../src/agent/outbox/testdata/sample-reading.ts";
import {
  type AgentSite,
  type OutboxLook,
  type PrinterFleet,
  checkDelivery,
  hubCount,
  hubReadings,
  lookAtOutbox,
  startAgentSite,
  startPrinterFleet,
} from "../support/durability-peers.ts";
import { eventually } from "../support/service-peers.ts";

/** Printers in the fleet: with reads every second, about this many readings a second. */
const PRINTERS = 12;
const AGENT_KILLS = 24;
const HUB_KILLS = 6;
const BACKLOG = 6_000;

let fleet: PrinterFleet;
const roots: string[] = [];
const sites: AgentSite[] = [];

beforeAll(async () => {
  // 40-200 ms per answer, as from busy printers: a read pass takes most of a
  // second and its readings wait in the outbox one by one until it ends.
  fleet = await startPrinterFleet(PRINTERS, { latencyMs: (i) => 40 + (i % 5) * 40 });
});

afterAll(async () => {
  for (const s of sites) await s.close();
  await fleet?.stop();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function newSite(name: string, siteArgs: string[][] = []): Promise<AgentSite> {
  const root = mkdtempSync(join(tmpdir(), `dca-durability-${name}-`));
  roots.push(root);
  const site = await startAgentSite(root, fleet, siteArgs);
  sites.push(site);
  return site;
}

const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Waits until the outbox is empty and the hub holds every seq it ever gave.
 * An empty outbox with seqs missing at the hub fails at once: nothing is
 * in flight any more that could still bring them.
 */
async function drained(site: AgentSite, ms: number): Promise<OutboxLook> {
  const end = Date.now() + ms;
  let look = lookAtOutbox(site.stateDir);
  while (Date.now() < end) {
    look = lookAtOutbox(site.stateDir);
    if (look.depth === 0 && look.lastSeq > 0) {
      const { lost } = checkDelivery(hubReadings(site.dataDir, site.agentId), look.lastSeq);
      if (lost.length === 0) return look;
      throw new Error(`the outbox is empty but the hub lacks ${lost.length} of ${look.lastSeq} readings (seqs ${lost.slice(0, 20).join(", ")}...)`);
    }
    await Bun.sleep(100);
  }
  throw new Error(`the outbox did not drain within ${ms} ms: ${look.depth} of ${look.lastSeq} readings still waiting`);
}

/** Final account after the agent stopped: each seq at the hub once, or still waiting. */
function expectExactlyOnce(site: AgentSite, droppedSeqs: number[] = []) {
  const look = lookAtOutbox(site.stateDir);
  const rows = hubReadings(site.dataDir, site.agentId);
  const d = checkDelivery(rows, look.lastSeq, look.waiting.map((w) => w.seq), droppedSeqs);
  expect(d.lost).toEqual([]);
  expect(d.duplicated).toBe(0);
  expect(d.unknown).toEqual([]);
  expect(d.inOrder).toBe(true);
  // A reading both acknowledged by the hub and still waiting is possible only
  // if the kill came between the two; the count below allows for that.
  expect(d.delivered + look.waiting.length + droppedSeqs.length).toBeGreaterThanOrEqual(look.lastSeq);
  return { look, rows, d };
}

test(
  `kill -9 of the agent ${AGENT_KILLS} times at random moments loses and duplicates nothing`,
  async () => {
    const site = await newSite("agent-kill");
    // seq -> id of every reading seen waiting in the outbox right after a kill:
    // exactly the ones whose upload the kill may have cut short.
    const seenWaiting = new Map<number, string>();
    let killsWithBacklog = 0;
    let killsMidUpload = 0;
    let agent = site.startAgent();
    for (let i = 0; i < AGENT_KILLS; i++) {
      // 50-1500 ms after a start: during start-up, discovery, reads (outbox writes) and uploads.
      await Bun.sleep(between(50, 1500));
      await agent.kill9();
      const look = lookAtOutbox(site.stateDir);
      if (look.depth > 0) killsWithBacklog++;
      // Stored by the hub but not yet deleted here: the kill cut an upload short.
      const atHub = new Set(hubReadings(site.dataDir, site.agentId).map((r) => r.seq));
      if (look.waiting.some((w) => atHub.has(w.seq))) killsMidUpload++;
      for (const w of look.waiting) {
        if (seenWaiting.has(w.seq)) expect(seenWaiting.get(w.seq)).toBe(w.id);
        seenWaiting.set(w.seq, w.id);
      }
      agent = site.startAgent();
    }
    // Stop making readings (an operator's change, applied at the next poll), then let it drain.
    const version = /config version (\d+)/.exec(await site.hub.must("site", "set-schedule", "Acme", "--read", "1h"))![1];
    await agent.waitForLog(new RegExp(`config version ${version} applied`), 30_000);
    await drained(site, 30_000);
    expect(await agent.stop()).toBe(0);

    const { look, rows, d } = expectExactlyOnce(site);
    expect(look.depth).toBe(0);
    expect(rows.length).toBe(look.lastSeq);
    expect(d.delivered).toBe(look.lastSeq);
    const bySeq = new Map(rows.map((r) => [r.seq, r.id]));
    const wrongIds = [...seenWaiting].filter(([seq, id]) => bySeq.get(seq) !== id);
    expect(wrongIds).toEqual([]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    // Enough happened for the figures to mean something.
    expect(look.lastSeq).toBeGreaterThan(AGENT_KILLS);
    expect(killsWithBacklog).toBeGreaterThan(0);
    console.log(
      `kill -9: ${AGENT_KILLS} kills (${killsWithBacklog} with readings waiting, ${killsMidUpload} between the hub's commit and the ack), ${look.lastSeq} readings, ` +
        `${d.lost.length} lost, ${d.duplicated} duplicated`,
    );
  },
  { timeout: 120_000 },
);

test(
  "hub down for a while: the outbox grows, then catches up in seq order",
  async () => {
    const site = await newSite("hub-down");
    const agent = site.startAgent();
    await eventually(() => hubReadings(site.dataDir, site.agentId).length >= 2 * PRINTERS || undefined, 30_000, "readings at the hub");
    await site.hub.stop();
    const downAt = Date.now();
    const atHub = hubReadings(site.dataDir, site.agentId).length;
    const depths: number[] = [];
    while (Date.now() - downAt < 6_000) {
      depths.push(lookAtOutbox(site.stateDir).depth);
      await Bun.sleep(250);
    }
    // Nothing can leave while the hub is down (the first look may still see an ack land).
    for (let i = 2; i < depths.length; i++) expect(depths[i]).toBeGreaterThanOrEqual(depths[i - 1]!);
    expect(depths.at(-1)!).toBeGreaterThanOrEqual(depths[0]! + PRINTERS);
    expect(hubReadings(site.dataDir, site.agentId).length).toBe(atHub);

    await site.restartHub();
    const upAt = Date.now();
    const caughtUp = await drained(site, 30_000);
    const catchUpMs = Date.now() - upAt;
    expect(await agent.stop()).toBe(0);

    const { look, d } = expectExactlyOnce(site);
    expect(d.delivered).toBeGreaterThanOrEqual(caughtUp.lastSeq);
    console.log(
      `hub down ${seconds(upAt - downAt)} s: outbox grew ${depths[0]} -> ${depths.at(-1)}, drained ${seconds(catchUpMs)} s after the hub came back; ` +
        `${look.lastSeq} readings, ${d.lost.length} lost, ${d.duplicated} duplicated, stored in seq order: ${d.inOrder}`,
    );
  },
  { timeout: 90_000 },
);

test(
  `kill -9 of the hub ${HUB_KILLS} times while the agent uploads a backlog of ${BACKLOG} readings`,
  async () => {
    const site = await newSite("hub-kill");
    let agent = site.startAgent();
    await eventually(() => hubReadings(site.dataDir, site.agentId).length >= PRINTERS || undefined, 30_000, "readings at the hub");
    // The backlog a long outage leaves, put with the agent stopped (the outbox has one writer).
    expect(await agent.stop()).toBe(0);
    const outbox = openOutbox(join(site.stateDir, "outbox.db"));
    const readFrom = Date.now() - 3600_000;
    for (let n = 0; n < BACKLOG; n += 500) {
      outbox.putMany(
        Array.from({ length: 500 }, (_, i) => {
          const reading = sampleReading((n + i) % 200);
          reading.readAt = timestampFromMs(readFrom + (n + i) * 100);
          return { reading };
        }),
      );
    }
    outbox.close();
    agent = site.startAgent();

    // Kills 1, 3, 5... come the moment a batch is committed, before the agent
    // has its acknowledgement (so the batch is sent again); 2, 4, 6... at a
    // random moment while the next batch is on its way or being stored.
    const atKill: { atHub: number; waiting: number; unacked: number }[] = [];
    for (let k = 0; k < HUB_KILLS; k++) {
      const before = hubCount(site.dataDir, site.agentId);
      const committed = () => hubCount(site.dataDir, site.agentId) > before;
      const deadline = Date.now() + 30_000;
      while (!committed()) {
        if (Date.now() > deadline) throw new Error(`no upload reached the hub within 30 s:\n${agent.log().slice(-2000)}`);
        await Bun.sleep(2);
      }
      if (k % 2 === 1) await Bun.sleep(between(0, 1_200));
      await site.hub.kill9();
      const look = lookAtOutbox(site.stateDir);
      const held = new Set(hubReadings(site.dataDir, site.agentId).map((r) => r.seq));
      atKill.push({ atHub: held.size, waiting: look.depth, unacked: look.waiting.filter((w) => held.has(w.seq)).length });
      await site.restartHub();
    }
    // Every kill met a backlog still waiting, so it fell in the middle of the
    // drain, and some left a batch stored but not acknowledged.
    for (const a of atKill) expect(a.waiting).toBeGreaterThan(0);
    expect(atKill.some((a) => a.unacked > 0)).toBe(true);
    await drained(site, 60_000);
    expect(await agent.stop()).toBe(0);
    expect(agent.log()).toContain("upload failed");

    const { look, d } = expectExactlyOnce(site);
    expect(look.lastSeq).toBeGreaterThan(BACKLOG);
    console.log(
      `hub kill -9: ${HUB_KILLS} kills (stored/waiting/both: ${atKill.map((a) => `${a.atHub}/${a.waiting}/${a.unacked}`).join(", ")}); ` +
        `${look.lastSeq} readings, ${d.lost.length} lost, ${d.duplicated} duplicated`,
    );
  },
  { timeout: 120_000 },
);

test(
  "outbox bound: at most 50 readings while the hub is down, oldest dropped first and reported",
  async () => {
    const MAX = 50;
    const site = await newSite("bound", [["site", "set-outbox", "Acme", "--max-readings", String(MAX)]]);
    const agent = site.startAgent();
    await eventually(() => hubReadings(site.dataDir, site.agentId).length >= PRINTERS || undefined, 30_000, "readings at the hub");
    await site.hub.stop();
    // Until the bound has dropped a good number, each look must show the newest readings only.
    let maxDepth = 0;
    const wrong: string[] = [];
    await eventually(
      () => {
        const look = lookAtOutbox(site.stateDir);
        maxDepth = Math.max(maxDepth, look.depth);
        if (look.depth > MAX && wrong.length < 5) wrong.push(`${look.depth} readings waiting`);
        // Contiguous and ending at the last seq: whatever went, went from the old end.
        const first = look.lastSeq - look.depth + 1;
        if (look.waiting.some((w, i) => w.seq !== first + i) && wrong.length < 5) {
          wrong.push(`waiting seqs ${look.waiting.map((w) => w.seq).join(",")} when the last is ${look.lastSeq}`);
        }
        return look.dropped >= PRINTERS || undefined;
      },
      60_000,
      "the outbox bound to drop readings",
    );
    expect(wrong).toEqual([]);
    expect(maxDepth).toBe(MAX);

    await site.restartHub();
    const listed = await eventually(
      async () => {
        const agents = JSON.parse(await site.hub.must("agent", "list", "--json")) as { id: string; droppedReadings: number }[];
        const me = agents.find((a) => a.id === site.agentId);
        const look = lookAtOutbox(site.stateDir);
        return me && me.droppedReadings > 0 && me.droppedReadings === look.dropped && look.depth === 0 ? { me, look } : undefined;
      },
      30_000,
      "the hub to hear of the dropped readings and the outbox to drain",
    );
    expect(await agent.stop()).toBe(0);

    // The seqs the hub lacks are one run, as many as were dropped, and not the newest.
    const look = lookAtOutbox(site.stateDir);
    expect(look.dropped).toBe(listed.look.dropped);
    const held = new Set(hubReadings(site.dataDir, site.agentId).map((r) => r.seq));
    const missing: number[] = [];
    for (let s = 1; s <= look.lastSeq; s++) if (!held.has(s) && !look.waiting.some((w) => w.seq === s)) missing.push(s);
    expect(missing.length).toBe(look.dropped);
    expect(missing.at(-1)! - missing[0]! + 1).toBe(missing.length);
    expect(missing[0]!).toBeGreaterThan(1);
    expect(look.lastSeq - missing.at(-1)!).toBeGreaterThanOrEqual(MAX);
    expectExactlyOnce(site, missing);
  },
  { timeout: 90_000 },
);

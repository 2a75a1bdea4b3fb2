import { describe, expect, test } from "bun:test";
import { alertFleet, SupplyState } from "../../../test/support/alert-fleet.ts";
import type { AlertFleet } from "../../../test/support/alert-fleet.ts";
import type { NewAlertRule } from "../store/index.ts";
import { ALERT_LIMITS, createAlertEvaluator } from "./alert-evaluator.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A fleet with a webhook channel, a rule, and an evaluator over its store. */
function setup(rule: Omit<NewAlertRule, "channelIds" | "createdBy" | "name"> & { name?: string }, limits = ALERT_LIMITS) {
  const f = alertFleet();
  f.store.setAlertChannel({ name: "hook", settings: { kind: "webhook", webhook: { url: "http://127.0.0.1:9/hook", allowHttp: false, caPem: "" } }, secret: "s".repeat(32) });
  const r = f.store.createAlertRule({ name: rule.name ?? rule.kind, channelIds: [], createdBy: "test", ...rule });
  const ev = createAlertEvaluator(f.store, limits);
  const run = () => ev.evaluate(f.clock.now());
  return { f, r, run, open: () => f.store.listAlerts({ open: true }), all: () => f.store.listAlerts() };
}

const events = (f: AlertFleet) => f.store.listAlerts().flatMap((a) => a.deliveries.map((d) => `${a.subjectId}:${d.event}:${d.state}`)).sort();

describe("alert evaluation on a fake clock", () => {
  test("supply below X %: opens once, stays deduplicated, resolves with a notice when the toner is replaced", async () => {
    const { f, run, open } = setup({ kind: "supply-below", percent: 10 });
    const dev = f.read("A", { address: "127.0.0.7", supply: { description: "Black Toner", percent: 4 } });
    f.read("A", { address: "127.0.0.8", supply: { description: "Black Toner", percent: 60 } });
    expect(run()).toMatchObject({ opened: 1, resolved: 0 });
    const [a] = open();
    expect(a).toMatchObject({ subjectKind: "device", subjectId: dev, summary: "Black Toner at 4 % (below 10 %)", resolvedAt: undefined });
    expect(a!.subjectLabel).toBe("HP LaserJet M507 (serial SN-127.0.0.7) at 127.0.0.7");
    expect(a!.deliveries.map((d) => [d.channelName, d.event, d.state])).toEqual([["hook", "opened", "pending"]]);
    // Minutes later, still low, and lower: the same alert, no second notice.
    await f.clock.advance(5 * MIN);
    f.read("A", { address: "127.0.0.7", supply: { description: "Black Toner", percent: 2 } });
    expect(run()).toMatchObject({ opened: 0, resolved: 0 });
    expect(events(f)).toEqual([`${dev}:opened:pending`]);
    // Replaced: resolved, with its notice.
    await f.clock.advance(5 * MIN);
    f.read("A", { address: "127.0.0.7", supply: { description: "Black Toner", percent: 100 } });
    expect(run()).toMatchObject({ opened: 0, resolved: 1 });
    expect(open()).toEqual([]);
    const [done] = f.store.listAlerts();
    expect(done).toMatchObject({ resolveReason: "cleared", resolvedAt: new Date(f.clock.now()) });
    expect(events(f)).toEqual([`${dev}:opened:pending`, `${dev}:resolved:pending`]);
    // Low again later: a new alert, notified again.
    await f.clock.advance(HOUR);
    f.read("A", { address: "127.0.0.7", supply: { description: "Black Toner", percent: 5 } });
    expect(run()).toMatchObject({ opened: 1 });
    expect(f.store.listAlerts()).toHaveLength(2);
  });

  test("supply state: low or empty (a level the device does not know is never low), or empty only", () => {
    const { f, run, open } = setup({ kind: "supply-state", state: "low" });
    f.read("A", { address: "127.0.0.7", supply: { description: "Cyan", state: SupplyState.LOW } });
    f.read("A", { address: "127.0.0.8", supply: { description: "Waste", state: SupplyState.FULL } });
    f.read("A", { address: "127.0.0.9", supply: { description: "Drum", state: SupplyState.SOME_REMAINING } });
    run();
    expect(open().map((a) => a.summary).sort()).toEqual(["Cyan is low", "Waste is empty (or a waste receptacle full)"]);
    const empty = f.store.createAlertRule({ name: "empty", kind: "supply-state", state: "empty", channelIds: [], createdBy: "t" });
    run();
    expect(open().filter((a) => a.ruleId === empty.id).map((a) => a.summary)).toEqual(["Waste is empty (or a waste receptacle full)"]);
  });

  test("device in error for N minutes counts from the first reading in error", async () => {
    const { f, run, open } = setup({ kind: "device-error", seconds: 15 * 60 });
    f.read("A", { address: "127.0.0.7", errors: ["jammed"] });
    f.read("A", { address: "127.0.0.8", errors: ["lowToner"] });
    await f.clock.advance(10 * MIN);
    f.read("A", { address: "127.0.0.7", errors: ["jammed", "doorOpen"] });
    expect(run().opened).toBe(0);
    await f.clock.advance(6 * MIN);
    expect(run().opened).toBe(1);
    expect(open()[0]!.summary).toBe("in error since 2026-03-01 08:00Z: running, idle, jammed, doorOpen");
    f.read("A", { address: "127.0.0.7" });
    expect(run().resolved).toBe(1);
    // "down" alone is an error too.
    f.read("A", { address: "127.0.0.8", deviceStatus: "down" });
    await f.clock.advance(15 * MIN);
    expect(run().opened).toBe(1);
  });

  test("device not read for N hours, agent offline for N minutes", async () => {
    const f = alertFleet(["A"]);
    const ev = createAlertEvaluator(f.store);
    f.store.createAlertRule({ name: "quiet", kind: "not-read", seconds: 2 * 3600, channelIds: [], createdBy: "t" });
    f.store.createAlertRule({ name: "offline", kind: "agent-offline", seconds: 30 * 60, channelIds: [], createdBy: "t" });
    const dev = f.read("A", { address: "127.0.0.7" });
    f.store.recordPoll(f.sites.A!.agentId, { configVersion: 1n, outboxDepth: 0n, outboxBytes: 0n, droppedReadings: 0n, agentVersion: "0.1.0", hostname: "pc-A", lastError: "", knownDevices: 1 });
    await f.clock.advance(31 * MIN);
    expect(ev.evaluate(f.clock.now())).toMatchObject({ opened: 1 });
    const agentAlert = f.store.listAlerts({ open: true })[0]!;
    expect(agentAlert).toMatchObject({ subjectKind: "agent", subjectId: f.sites.A!.agentId, subjectLabel: "agent pc-A", summary: "last poll 2026-03-01 08:00Z" });
    await f.clock.advance(90 * MIN);
    expect(ev.evaluate(f.clock.now())).toMatchObject({ opened: 1 });
    expect(f.store.listAlerts({ open: true }).map((a) => a.subjectId).sort()).toEqual([f.sites.A!.agentId, dev].sort());
    // The agent polls and uploads: both clear.
    f.store.recordPoll(f.sites.A!.agentId, { configVersion: 1n, outboxDepth: 0n, outboxBytes: 0n, droppedReadings: 0n, agentVersion: "0.1.0", hostname: "pc-A", lastError: "", knownDevices: 1 });
    f.read("A", { address: "127.0.0.7" });
    expect(ev.evaluate(f.clock.now())).toMatchObject({ opened: 0, resolved: 2 });
    // A disabled agent is gone, not offline.
    f.store.setAgentDisabled(f.sites.A!.agentId, true);
    await f.clock.advance(2 * HOUR + 1);
    expect(ev.evaluate(f.clock.now()).opened).toBe(1); // the device, not the agent
    expect(f.store.listAlerts({ open: true }).map((a) => a.subjectKind)).toEqual(["device"]);
  });

  test("after the hub starts, silence rules open nothing until it has been up for their duration, but still resolve", async () => {
    const f = alertFleet(["A"]);
    f.store.createAlertRule({ name: "quiet", kind: "not-read", seconds: 3600, channelIds: [], createdBy: "t" });
    f.store.createAlertRule({ name: "low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "t" });
    f.read("A", { address: "127.0.0.7", supply: { description: "K", percent: 50 } });
    f.read("A", { address: "127.0.0.8", supply: { description: "K", percent: 50 } });
    await f.clock.advance(2 * HOUR);
    createAlertEvaluator(f.store).evaluate(f.clock.now());
    expect(f.store.listAlerts({ open: true })).toHaveLength(2);
    // The hub restarts now: a device read since clears; one still silent opens nothing for an hour.
    const restarted = createAlertEvaluator(f.store, ALERT_LIMITS, f.clock.now());
    f.read("A", { address: "127.0.0.7", supply: { description: "K", percent: 5 } });
    f.read("A", { address: "127.0.0.9", supply: { description: "K", percent: 50 } }, f.clock.now() - 2 * HOUR);
    expect(restarted.evaluate(f.clock.now())).toMatchObject({ opened: 1, resolved: 1 }); // the low supply opens at once
    await f.clock.advance(HOUR - 1);
    expect(restarted.evaluate(f.clock.now()).opened).toBe(0);
    await f.clock.advance(1);
    expect(restarted.evaluate(f.clock.now()).opened).toBe(1);
  });

  test("counter flagged: open while a flag is newer than the window", async () => {
    const { f, run, open } = setup({ kind: "counter-flagged", seconds: 86_400 });
    f.read("A", { address: "127.0.0.7", total: 5000n });
    await f.clock.advance(HOUR);
    f.read("A", { address: "127.0.0.7", total: 100n });
    expect(run().opened).toBe(1);
    expect(open()[0]!.summary).toBe("total counter went backwards from 5000 to 100");
    await f.clock.advance(23 * HOUR);
    expect(run().resolved).toBe(0);
    await f.clock.advance(HOUR + 1);
    expect(run().resolved).toBe(1);
  });

  test("a site's rule watches its site only; deleting a rule resolves its alerts without a notice", () => {
    const f = alertFleet(["A", "B"]);
    f.store.setAlertChannel({ name: "hook", settings: { kind: "webhook", webhook: { url: "http://127.0.0.1:9/", allowHttp: false, caPem: "" } }, secret: "x".repeat(20) });
    const rule = f.store.createAlertRule({ name: "A low", siteId: f.sites.A!.id, kind: "supply-below", percent: 20, channelIds: [], createdBy: "t" });
    f.read("A", { address: "127.0.0.7", supply: { description: "K", percent: 5 } });
    f.read("B", { address: "127.0.0.7", supply: { description: "K", percent: 5 } });
    const ev = createAlertEvaluator(f.store);
    expect(ev.evaluate(f.clock.now()).opened).toBe(1);
    expect(f.store.listAlerts()[0]!.siteId).toBe(f.sites.A!.id);
    expect(f.store.getAlertRule(rule.id)!.openAlerts).toBe(1);
    expect(f.store.deleteAlertRule(rule.id)).toMatchObject({ resolved: 1 });
    const [a] = f.store.listAlerts();
    expect(a).toMatchObject({ resolveReason: "rule deleted", ruleName: "A low" });
    expect(a!.deliveries.map((d) => [d.event, d.state, d.lastError])).toEqual([["opened", "failed", "rule deleted"]]);
    expect(f.store.listAlertRules()).toEqual([]);
    expect(ev.evaluate(f.clock.now())).toMatchObject({ rules: 0, opened: 0 });
  });

  test("work per run is bounded: the rest opens at the next runs", () => {
    const { f, run, open } = setup({ kind: "supply-below", percent: 10 }, { ...ALERT_LIMITS, changesPerRule: 2, changesPerRun: 3 });
    for (let i = 1; i <= 5; i++) f.read("A", { address: `127.0.0.${i}`, supply: { description: "K", percent: 1 } });
    expect(run().opened).toBe(2);
    expect(run().opened).toBe(2);
    expect(run().opened).toBe(1);
    expect(run().opened).toBe(0);
    expect(open()).toHaveLength(5);
  });

  test("rules share a run's budget in turn, so none is starved", () => {
    const f = alertFleet(["A"]);
    const ev = createAlertEvaluator(f.store, { ...ALERT_LIMITS, changesPerRule: 10, changesPerRun: 2 });
    const low = f.store.createAlertRule({ name: "low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "t" });
    const state = f.store.createAlertRule({ name: "state", kind: "supply-state", state: "low", channelIds: [], createdBy: "t" });
    for (let i = 1; i <= 4; i++) f.read("A", { address: `127.0.0.${i}`, supply: { description: "K", percent: 1, state: SupplyState.LOW } });
    ev.evaluate(f.clock.now());
    ev.evaluate(f.clock.now());
    const byRule = (id: string) => f.store.listAlerts().filter((a) => a.ruleId === id).length;
    expect([byRule(low.id), byRule(state.id)]).toEqual([2, 2]);
  });
});

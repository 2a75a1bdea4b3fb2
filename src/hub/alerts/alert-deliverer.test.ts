import { describe, expect, test } from "bun:test";
import { alertFleet } from "../../../test/support/alert-fleet.ts";
import { DcaError } from "../../common/errors.ts";
import type { ChannelForSending } from "../store/index.ts";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, deliverDue } from "./alert-deliverer.ts";
import type { Notice } from "./alert-notice.ts";
import type { ChannelSender } from "./channel-sender.ts";
import { startAlerts } from "./start-alerts.ts";

const MIN = 60_000;

/** A sender that records what it was asked and fails while `down` is set. */
function fakeSender() {
  const sent: { channel: string; event: string; delivery: string; secret: string }[] = [];
  const state = { down: false };
  const send: ChannelSender = async (c: ChannelForSending, n: Notice) => {
    if (state.down) throw new DcaError("unavailable", `webhook http://127.0.0.1:9 refused the connection (secret ${c.secret})`);
    sent.push({ channel: c.name, event: n.event, delivery: n.deliveryId, secret: c.secret });
  };
  return { sent, state, send };
}

/** A fleet with one low device, a rule and a webhook channel. */
function lowDevice() {
  const f = alertFleet(["A"]);
  f.store.setAlertChannel({ name: "hook", settings: { kind: "webhook", webhook: { url: "http://127.0.0.1:9/", allowHttp: false, caPem: "" } }, secret: "hmac-secret-0123456789" });
  f.store.createAlertRule({ name: "low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "t" });
  f.read("A", { address: "127.0.0.7", supply: { description: "Black", percent: 3 } });
  return f;
}

describe("sending notices", () => {
  test("a failing channel is retried with growing waits, then given up; failures are visible on the notice and the channel, never the secret", async () => {
    const f = lowDevice();
    const s = fakeSender();
    const lines: string[] = [];
    const loop = startAlerts({ store: f.store, clock: f.clock, send: s.send, log: (l) => lines.push(l) });
    s.state.down = true;
    await f.clock.settle();
    let [a] = f.store.listAlerts();
    expect(a!.deliveries).toMatchObject([{ event: "opened", state: "pending", attempts: 1 }]);
    expect(a!.deliveries[0]!.nextAt.getTime()).toBe(f.clock.now() + RETRY_DELAYS_MS[0]!);
    // The sender's one line, the channel's secret scrubbed from it.
    expect(a!.deliveries[0]!.lastError).toBe("webhook http://127.0.0.1:9 refused the connection (secret <secret>)");
    for (let i = 1; i < MAX_ATTEMPTS; i++) await f.clock.advance(RETRY_DELAYS_MS[i - 1]!);
    [a] = f.store.listAlerts();
    expect(a!.deliveries).toMatchObject([{ state: "failed", attempts: MAX_ATTEMPTS }]);
    expect(f.store.getAlertChannel("hook")).toMatchObject({ failedDeliveries: 1, pendingDeliveries: 0, lastOkAt: undefined });
    expect(lines.filter((l) => l.includes("to channel hook failed"))).toHaveLength(MAX_ATTEMPTS);
    expect(lines.at(-1)).toMatch(/attempt 5 of 5: .*; given up$/);
    // Back up: the next alert goes out at the next run.
    s.state.down = false;
    f.read("A", { address: "127.0.0.8", supply: { description: "Black", percent: 3 } });
    await f.clock.advance(MIN);
    expect(s.sent).toEqual([{ channel: "hook", event: "opened", delivery: expect.any(String), secret: "hmac-secret-0123456789" }]);
    expect(f.store.getAlertChannel("hook")!.lastOkAt).toEqual(new Date(f.clock.now()));
    expect(f.store.listAlerts({ open: true }).find((x) => x.lastNotifiedAt)).toBeDefined();
    await loop.stop();
    expect(f.clock.pendingTimers()).toBe(0);
  });

  test("a resolved notice waits for its opened notice to the same channel", async () => {
    const f = lowDevice();
    const s = fakeSender();
    const deps = { store: f.store, send: s.send, log: () => {} };
    const { createAlertEvaluator } = await import("./alert-evaluator.ts");
    const ev = createAlertEvaluator(f.store);
    ev.evaluate(f.clock.now());
    s.state.down = true;
    await deliverDue(deps, f.clock.now(), { limit: 10, concurrency: 2 });
    f.read("A", { address: "127.0.0.7", supply: { description: "Black", percent: 90 } });
    ev.evaluate(f.clock.now());
    s.state.down = false;
    // The resolved notice is due now, the opened one only in a minute: nothing goes yet.
    expect(await deliverDue(deps, f.clock.now(), { limit: 10, concurrency: 2 })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    await f.clock.advance(RETRY_DELAYS_MS[0]!);
    expect(await deliverDue(deps, f.clock.now(), { limit: 10, concurrency: 2 })).toMatchObject({ sent: 1 });
    expect(await deliverDue(deps, f.clock.now(), { limit: 10, concurrency: 2 })).toMatchObject({ sent: 1 });
    expect(s.sent.map((x) => x.event)).toEqual(["opened", "resolved"]);
  });

  test("the loop runs at start and every minute, one round at a time, and stops cleanly", async () => {
    const f = lowDevice();
    const s = fakeSender();
    const loop = startAlerts({ store: f.store, clock: f.clock, send: s.send, log: () => {}, everyMs: MIN });
    await f.clock.settle();
    expect(s.sent.map((x) => x.event)).toEqual(["opened"]);
    f.read("A", { address: "127.0.0.7", supply: { description: "Black", percent: 80 } });
    await f.clock.advance(MIN - 1);
    expect(s.sent).toHaveLength(1);
    await f.clock.advance(1);
    expect(s.sent.map((x) => x.event)).toEqual(["opened", "resolved"]);
    expect(f.clock.pendingTimers()).toBe(1);
    await loop.stop();
    expect(f.clock.pendingTimers()).toBe(0);
  });
});
